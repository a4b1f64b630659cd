"""Moving one date to another room: the same checks as any booking there."""

from datetime import time

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from booking import services
from booking.models import Status
from tests.conftest import at
from tests.factories import ClosureFactory, RoomFactory, VenueFactory, open_every_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def library(venue):
    return RoomFactory(venue=venue, name="Kirjasto", slug="kirjasto")


@pytest.fixture
def series(users, association, room):
    return services.booking_create(
        actor=users.member,
        association=association,
        room=room,
        title="Tuolijumppa",
        start=at("2026-12-01", 18),
        end=at("2026-12-01", 20),
        rrule="FREQ=WEEKLY;COUNT=3",
    ).booking


def first_date(booking):
    return booking.occurrences.select_related("booking", "room__venue").order_by("start").first()


def move(user, occurrence, room, start=None, end=None):
    return services.occurrence_move(
        actor=user,
        occurrence=occurrence,
        start=start or occurrence.start,
        end=end or occurrence.end,
        room=room,
    )


def test_a_volunteer_moves_one_date_to_another_room(users, series, room, library):
    first = first_date(series)
    move(users.member, first, library)
    first.refresh_from_db()
    assert first.room == library and first.status == Status.CONFIRMED
    assert first.start == at("2026-12-01", 18) and first.recurrence_id == at("2026-12-01", 18)
    assert series.occurrences.filter(room=room).count() == 2  # the other dates stay
    series.refresh_from_db()
    assert series.room == room  # the series still belongs to its room
    entry = AuditEntry.objects.get(action="occurrence.moved")
    assert entry.data["room"] == library.pk and entry.data["from_room"] == room.pk


def test_time_and_room_change_together(users, series, library):
    first = first_date(series)
    move(users.member, first, library, at("2026-12-02", 10), at("2026-12-02", 12))
    first.refresh_from_db()
    assert (first.room, first.start, first.end) == (library, at("2026-12-02", 10), at("2026-12-02", 12))


def test_a_one_off_booking_follows_its_date(users, association, room, library):
    booking = services.booking_create(
        actor=users.member,
        association=association,
        room=room,
        title="Kokous",
        start=at("2026-12-01", 10),
        end=at("2026-12-01", 11),
    ).booking
    move(users.member, first_date(booking), library)
    booking.refresh_from_db()
    assert booking.room == library


def test_the_new_room_must_be_free(users, other_association, series, library):
    services.booking_create(
        actor=users.outsider,
        association=other_association,
        room=library,
        title="Lukupiiri",
        start=at("2026-12-01", 19),
        end=at("2026-12-01", 21),
    )
    first = first_date(series)
    with pytest.raises(services.BookingConflict):
        move(users.member, first, library)
    first.refresh_from_db()
    assert first.room_id == series.room_id


def test_the_new_rooms_buffer_counts(users, other_association, series, venue):
    buffered = RoomFactory(venue=venue, buffer_minutes=30)
    services.booking_create(
        actor=users.outsider,
        association=other_association,
        room=buffered,
        title="Lukupiiri",
        start=at("2026-12-01", 20, 15),
        end=at("2026-12-01", 21),
    )
    with pytest.raises(services.BookingConflict):
        move(users.member, first_date(series), buffered)


def test_the_new_rooms_opening_hours_and_closures_count(users, series, venue):
    evening = RoomFactory(venue=venue)
    open_every_day(
        venue,
        opens=time(19),
        closes=time(22),
        room=evening,
    )
    with pytest.raises(ValidationError) as error:
        move(users.member, first_date(series), evening)
    assert list(error.value.message_dict) == ["start"]
    closed = RoomFactory(venue=venue)
    ClosureFactory(venue=venue, room=closed, start=at("2026-12-01", 0), end=at("2026-12-02", 0))
    with pytest.raises(ValidationError):
        move(users.member, first_date(series), closed)


def test_a_room_that_needs_approval_makes_the_date_wait(
    users, series, approval_room, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    first = first_date(series)
    with django_capture_on_commit_callbacks(execute=True):
        move(users.member, first, approval_room)
    first.refresh_from_db()
    assert first.status == Status.PENDING and first.room == approval_room
    series.refresh_from_db()
    assert series.status == Status.CONFIRMED  # the other dates still hold
    assert any(m.subject.startswith("Varaus odottaa") for m in mail.outbox)


def test_rooms_of_another_house_or_inactive_are_refused(users, series):
    elsewhere = VenueFactory()
    open_every_day(elsewhere)
    with pytest.raises(ValidationError) as error:
        move(users.member, first_date(series), RoomFactory(venue=elsewhere))
    assert list(error.value.message_dict) == ["room"]
    with pytest.raises(ValidationError):
        move(users.member, first_date(series), RoomFactory(venue=series.room.venue, is_active=False))


def test_an_outsider_may_not(users, series, library):
    with pytest.raises(PermissionDenied):
        move(users.outsider, first_date(series), library)


def test_the_move_page_offers_the_houses_rooms(client, users, series, library, approval_room):
    first = first_date(series)
    client.force_login(users.member)
    html = client.get(f"/bookings/{series.pk}/dates/{first.pk}/move/").content.decode()
    assert 'name="room"' in html and "Kirjasto" in html
    assert "Kokoushuone (a coordinator approves)" in html
    response = client.post(
        f"/bookings/{series.pk}/dates/{first.pk}/move/",
        {"date": "2026-12-01", "start": "18:00", "end": "20:00", "room": approval_room.pk},
        follow=True,
    )
    assert "It waits for a coordinator&#x27;s approval." in response.content.decode()
    first.refresh_from_db()
    assert first.room == approval_room and first.status == Status.PENDING
