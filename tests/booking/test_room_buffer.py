"""A room's turnaround buffer changes: the dates not yet over are held for the new span,
and a change that would make two confirmed dates overlap is refused with those dates."""

from datetime import datetime

import pytest
import time_machine

from audit.models import AuditEntry
from booking import services
from booking.models import Occurrence
from booking.recurrence import Slot
from tests.factories import UserFactory
from venues.models import Room

from ..conftest import HEL, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def book(users, association, room, start, end, title="Kerho"):
    return services.booking_create(
        actor=users.admin, association=association, room=room, title=title, start=start, end=end
    ).booking


def test_it_recomputes_the_dates_not_yet_over_and_keeps_the_past(users, association, room):
    with time_machine.travel(datetime(2026, 11, 16, 9, tzinfo=HEL), tick=False):
        past = book(users, association, room, at("2026-11-20", 10), at("2026-11-20", 12))
    coming = book(users, association, room, at("2026-11-30", 10), at("2026-11-30", 12))
    changed = services.room_set_buffer(actor=users.coordinator, room=room, buffer_minutes=30)
    assert changed == 1
    assert Room.objects.get(pk=room.pk).buffer_minutes == 30
    assert Occurrence.objects.get(booking=coming).block_end == at("2026-11-30", 12, 30)
    assert Occurrence.objects.get(booking=past).block_end == at("2026-11-20", 12)
    assert AuditEntry.objects.filter(action="room.buffer_set", data__new=30, data__dates=1).exists()


def test_the_new_buffer_holds_in_the_conflict_check(users, association, room):
    book(users, association, room, at("2026-11-30", 10), at("2026-11-30", 12))
    services.room_set_buffer(actor=users.coordinator, room=room, buffer_minutes=30)
    room.refresh_from_db()
    assert services.find_conflicts(room, [Slot(at("2026-11-30", 12, 15), at("2026-11-30", 13))])
    with pytest.raises(services.BookingConflict):
        book(users, association, room, at("2026-11-30", 12, 15), at("2026-11-30", 13), title="Liian aikaisin")
    assert book(
        users, association, room, at("2026-11-30", 12, 30), at("2026-11-30", 13), title="Juuri sopivasti"
    )


def test_it_refuses_a_buffer_that_would_make_dates_overlap_and_saves_nothing(users, association, room):
    first = book(users, association, room, at("2026-11-30", 10), at("2026-11-30", 12), title="Ensin")
    second = book(users, association, room, at("2026-11-30", 12), at("2026-11-30", 14), title="Sitten")
    with pytest.raises(services.BookingConflict) as refused:
        services.room_set_buffer(actor=users.coordinator, room=room, buffer_minutes=15)
    assert [(c.requested_start, c.start, c.title) for c in refused.value.conflicts] == [
        (at("2026-11-30", 10), at("2026-11-30", 12), "Sitten")
    ]
    assert Room.objects.get(pk=room.pk).buffer_minutes == 0
    assert Occurrence.objects.get(booking=first).block_end == at("2026-11-30", 12)
    assert Occurrence.objects.get(booking=second).block_end == at("2026-11-30", 14)
    assert not AuditEntry.objects.filter(action="room.buffer_set").exists()


def _room_form(room, **changes) -> dict:
    data = {
        "venue": room.venue_id,
        "name": room.name,
        "slug": room.slug,
        "description": room.description,
        "capacity": room.capacity,
        "equipment": room.equipment,
        "accessibility_notes": room.accessibility_notes,
        "buffer_minutes": room.buffer_minutes,
        "min_booking_minutes": room.min_booking_minutes,
        "max_booking_minutes": room.max_booking_minutes,
        "booking_horizon_days": room.booking_horizon_days,
        "weekly_hours_limit": room.weekly_hours_limit or "",
    }
    for flag in ("is_active", "requires_approval", "step_free_access", "hearing_loop", "accessible_toilet"):
        if getattr(room, flag):
            data[flag] = "on"
    data.update(changes)
    return data


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_the_admin_shows_the_colliding_dates_and_does_not_save(admin_client, users, association, room):
    book(users, association, room, at("2026-11-30", 10), at("2026-11-30", 12))
    book(users, association, room, at("2026-11-30", 12), at("2026-11-30", 14))
    response = admin_client.post(f"/admin/venues/room/{room.pk}/change/", _room_form(room, buffer_minutes=15))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["buffer_minutes"]
    assert "30.11.2026 10:00 / 30.11.2026 12:00" in errors[0]
    assert Room.objects.get(pk=room.pk).buffer_minutes == 0


def test_the_admin_saves_a_buffer_that_fits_and_recomputes(admin_client, users, association, room):
    booking = book(users, association, room, at("2026-11-30", 10), at("2026-11-30", 12))
    response = admin_client.post(f"/admin/venues/room/{room.pk}/change/", _room_form(room, buffer_minutes=20))
    assert response.status_code == 302
    assert Room.objects.get(pk=room.pk).buffer_minutes == 20
    assert Occurrence.objects.get(booking=booking).block_end == at("2026-11-30", 12, 20)
