"""An event in several rooms at once: booked all or nothing, shown as one event per date."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
import recurring_ical_events
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from booking import services
from booking.feeds import site_domain
from booking.models import Booking, Occurrence, Status

from ..factories import (
    AssociationFactory,
    BookingFactory,
    MembershipFactory,
    OccurrenceFactory,
    RoomFactory,
    VenueFactory,
)
from .calendar_data import local

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

EVENTS_RANGE = "start=2026-10-01T00:00:00%2B03:00&end=2026-12-01T00:00:00%2B02:00"


@pytest.fixture
def kitchen(venue):
    return RoomFactory(venue=venue, name="Keittiö", slug="keittio")


def fair(users, association, room, kitchen, *, count: int = 3, **kwargs) -> Booking:
    """Saturdays 10-14 in the hall and the kitchen at once."""
    return services.booking_create(
        actor=users.admin,
        association=association,
        room=room,
        extra_rooms=[kitchen],
        title="Joulumyyjäiset",
        start=local(2026, 10, 10, 10),
        end=local(2026, 10, 10, 14),
        rrule=f"FREQ=WEEKLY;COUNT={count}" if count > 1 else "",
        **kwargs,
    ).booking


def rows_by_room(booking: Booking) -> dict[int, list[datetime]]:
    rows: dict[int, list[datetime]] = {}
    for occ in booking.occurrences.order_by("start"):
        rows.setdefault(occ.room_id, []).append(occ.start)
    return rows


# ---------------------------------------------------------------- booking


def test_it_books_every_room_for_every_date(users, association, room, kitchen):
    booking = fair(users, association, room, kitchen)
    assert booking.room == room
    assert booking.status == Status.CONFIRMED
    rows = rows_by_room(booking)
    assert set(rows) == {room.id, kitchen.id}
    assert rows[room.id] == rows[kitchen.id]
    assert len(rows[room.id]) == 3
    assert set(booking.occurrences.values_list("status", flat=True)) == {Status.CONFIRMED}


def test_a_conflict_in_the_second_room_saves_nothing(users, association, other_association, room, kitchen):
    taken = BookingFactory(
        room=kitchen,
        association=other_association,
        start=local(2026, 10, 17, 12),
        end=local(2026, 10, 17, 15),
        is_public=False,
    )
    OccurrenceFactory(booking=taken)
    before = Occurrence.objects.count()
    with pytest.raises(services.BookingConflict) as caught:
        fair(users, association, room, kitchen)
    (conflict,) = caught.value.conflicts
    assert conflict.room_id == kitchen.id
    assert conflict.requested_start == local(2026, 10, 17, 10)
    assert conflict.title is None
    assert Occurrence.objects.count() == before
    assert not Booking.objects.filter(title="Joulumyyjäiset").exists()


def test_conflicts_in_both_rooms_are_all_listed(users, association, other_association, room, kitchen):
    for place in (room, kitchen):
        OccurrenceFactory(
            booking=BookingFactory(
                room=place,
                association=other_association,
                start=local(2026, 10, 10, 9),
                end=local(2026, 10, 10, 11),
            )
        )
    with pytest.raises(services.BookingConflict) as caught:
        fair(users, association, room, kitchen)
    assert sorted(c.room_id for c in caught.value.conflicts) == sorted([room.id, kitchen.id])


def test_only_free_dates_skips_a_date_in_every_room(users, association, other_association, room, kitchen):
    OccurrenceFactory(
        booking=BookingFactory(
            room=kitchen,
            association=other_association,
            start=local(2026, 10, 17, 9),
            end=local(2026, 10, 17, 11),
        )
    )
    result = services.booking_create(
        actor=users.admin,
        association=association,
        room=room,
        extra_rooms=[kitchen],
        title="Myyjäiset",
        start=local(2026, 10, 10, 10),
        end=local(2026, 10, 10, 14),
        rrule="FREQ=WEEKLY;COUNT=3",
        only_free_dates=True,
    )
    assert [c.requested_start for c in result.skipped] == [local(2026, 10, 17, 10)]
    rows = rows_by_room(result.booking)
    assert rows[room.id] == rows[kitchen.id] == [local(2026, 10, 10, 10), local(2026, 10, 24, 10)]


def test_a_room_needing_approval_makes_every_row_pending(users, association, room, approval_room):
    booking = fair(users, association, room, approval_room)
    assert booking.status == Status.PENDING
    assert set(booking.occurrences.values_list("status", flat=True)) == {Status.PENDING}
    assert booking.occurrences.count() == 6


def test_the_rules_of_every_room_apply(users, association, room, kitchen):
    kitchen.max_booking_minutes = 60
    kitchen.save()
    with pytest.raises(ValidationError) as caught:
        fair(users, association, room, kitchen)
    assert "Keittiö" in " ".join(caught.value.message_dict["end"])
    assert not Booking.objects.exists()


@pytest.mark.parametrize("problem", ["inactive", "elsewhere"])
def test_extra_rooms_must_be_active_and_in_the_same_house(users, association, room, problem):
    other = RoomFactory(venue=VenueFactory()) if problem == "elsewhere" else RoomFactory(venue=room.venue)
    if problem == "inactive":
        other.is_active = False
        other.save()
    with pytest.raises(ValidationError) as caught:
        fair(users, association, room, other)
    assert "extra_rooms" in caught.value.message_dict
    assert not Booking.objects.exists()


def test_the_primary_room_named_again_is_one_room(users, association, room):
    booking = fair(users, association, room, room)
    assert set(booking.occurrences.values_list("room_id", flat=True)) == {room.id}


def _create_queries(users, association, rooms, count: int, day: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        services.booking_create(
            actor=users.admin,
            association=association,
            room=rooms[0],
            extra_rooms=rooms[1:],
            title="Mittaus",
            start=local(2026, 10, day, 10),
            end=local(2026, 10, day, 12),
            rrule=f"FREQ=DAILY;COUNT={count}" if count > 1 else "",
        )
    return len(ctx.captured_queries)


def test_booking_queries_do_not_grow_with_the_dates(users, association, room, kitchen):
    few = _create_queries(users, association, [room, kitchen], 1, 2)
    many = _create_queries(users, association, [room, kitchen], 8, 5)
    assert many == few


def test_a_single_room_booking_costs_no_more_queries_than_before(users, association, room, kitchen):
    # Lock, opening hours (room, then venue), closures, conflicts, pending requests, booking,
    # dates, co-hosts, audit, and the savepoint pair around them.
    single = _create_queries(users, association, [room], 1, 2)
    double = _create_queries(users, association, [room, kitchen], 1, 5)
    assert single <= 12
    # Per extra room: its lock, its rules (hours of room and house, closures) and its two
    # conflict checks; never per date.
    assert double - single <= 6


def test_the_api_accepts_extra_rooms(api, users, association, room, kitchen):
    body = {
        "association": association.pk,
        "room": room.pk,
        "rooms": [kitchen.pk],
        "title": "Myyjäiset",
        "start": "2026-10-10T10:00:00+03:00",
        "end": "2026-10-10T14:00:00+03:00",
    }
    response = api(users.member).post("/api/v1/bookings", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["room"] == room.pk
    assert data["occurrences"] == [
        {
            "start": "2026-10-10T10:00:00+03:00",
            "end": "2026-10-10T14:00:00+03:00",
            "status": "confirmed",
            "rooms": sorted([room.pk, kitchen.pk]),
        }
    ]
    elsewhere = RoomFactory(venue=VenueFactory())
    response = api(users.member).post(
        "/api/v1/bookings",
        {**body, "rooms": [elsewhere.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert "rooms" in response.json()


def test_the_api_answers_409_for_a_conflict_in_an_extra_room(
    api, users, association, other_association, room, kitchen
):
    OccurrenceFactory(
        booking=BookingFactory(
            room=kitchen,
            association=other_association,
            start=local(2026, 10, 10, 9),
            end=local(2026, 10, 10, 11),
        )
    )
    body = {
        "association": association.pk,
        "room": room.pk,
        "rooms": [kitchen.pk],
        "title": "Myyjäiset",
        "start": "2026-10-10T10:00:00+03:00",
        "end": "2026-10-10T14:00:00+03:00",
    }
    response = api(users.member).post("/api/v1/bookings", body, format="json")
    assert response.status_code == 409
    assert [c["room"] for c in response.json()["conflicts"]] == [kitchen.pk]
    assert not Booking.objects.filter(title="Myyjäiset").exists()


# ---------------------------------------------------------------- one date: cancel, move, approve


def test_cancelling_one_date_cancels_it_in_every_room(api, users, association, room, kitchen):
    booking = fair(users, association, room, kitchen)
    response = api(users.member).post(
        f"/api/v1/bookings/{booking.pk}/cancel",
        {"occurrence": "2026-10-17T07:00:00Z"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert [o["status"] for o in data["occurrences"]] == ["confirmed", "cancelled", "confirmed"]
    assert all(o["rooms"] == sorted([room.pk, kitchen.pk]) for o in data["occurrences"])
    cancelled = booking.occurrences.filter(status=Status.CANCELLED)
    assert sorted(cancelled.values_list("room_id", flat=True)) == sorted([room.id, kitchen.id])
    assert set(cancelled.values_list("start", flat=True)) == {local(2026, 10, 17, 10)}


def test_cancelling_from_a_date_cancels_every_room(users, association, room, kitchen):
    booking = fair(users, association, room, kitchen)
    services.booking_cancel(actor=users.admin, booking=booking, from_start=local(2026, 10, 17, 10))
    assert booking.occurrences.filter(status=Status.CANCELLED).count() == 4


def test_moving_a_date_moves_every_room(users, association, room, kitchen):
    booking = fair(users, association, room, kitchen)
    occ = booking.occurrences.get(room=kitchen, start=local(2026, 10, 17, 10))
    services.occurrence_move(
        actor=users.admin, occurrence=occ, start=local(2026, 10, 18, 11), end=local(2026, 10, 18, 15)
    )
    moved = booking.occurrences.filter(recurrence_id=local(2026, 10, 17, 10))
    assert sorted(moved.values_list("room_id", flat=True)) == sorted([room.id, kitchen.id])
    assert set(moved.values_list("start", "end")) == {(local(2026, 10, 18, 11), local(2026, 10, 18, 15))}


def test_a_move_is_checked_in_every_room(users, association, other_association, room, kitchen):
    booking = fair(users, association, room, kitchen)
    OccurrenceFactory(
        booking=BookingFactory(
            room=kitchen,
            association=other_association,
            start=local(2026, 10, 18, 12),
            end=local(2026, 10, 18, 13),
        )
    )
    occ = booking.occurrences.get(room=room, start=local(2026, 10, 17, 10))
    with pytest.raises(services.BookingConflict) as caught:
        services.occurrence_move(
            actor=users.admin, occurrence=occ, start=local(2026, 10, 18, 11), end=local(2026, 10, 18, 15)
        )
    assert [c.room_id for c in caught.value.conflicts] == [kitchen.id]
    assert set(
        booking.occurrences.filter(recurrence_id=local(2026, 10, 17, 10)).values_list("start", flat=True)
    ) == {local(2026, 10, 17, 10)}


def test_approving_or_declining_one_row_decides_the_whole_date(users, association, room, approval_room):
    booking = fair(users, association, room, approval_room)
    first = booking.occurrences.get(room=approval_room, start=local(2026, 10, 10, 10))
    approved = services.booking_approve(actor=users.coordinator, booking=booking, occurrence_ids=[first.pk])
    assert sorted(o.room_id for o in approved) == sorted([room.id, approval_room.id])
    second = booking.occurrences.get(room=room, start=local(2026, 10, 17, 10))
    declined = services.booking_decline(
        actor=users.coordinator, booking=booking, reason="Päällekkäin", occurrence_ids=[second.pk]
    )
    assert len(declined) == 2
    statuses = {(o.start, o.status) for o in booking.occurrences.all()}
    assert statuses == {
        (local(2026, 10, 10, 10), Status.CONFIRMED),
        (local(2026, 10, 17, 10), Status.DECLINED),
        (local(2026, 10, 24, 10), Status.PENDING),
    }


def test_approval_is_refused_when_an_extra_room_was_taken(
    users, association, other_association, room, approval_room
):
    booking = fair(users, association, room, approval_room, count=1)
    OccurrenceFactory(
        booking=BookingFactory(
            room=approval_room,
            association=other_association,
            start=local(2026, 10, 10, 13),
            end=local(2026, 10, 10, 16),
        )
    )
    with pytest.raises(services.BookingConflict) as caught:
        services.booking_approve(actor=users.coordinator, booking=booking)
    assert [c.room_id for c in caught.value.conflicts] == [approval_room.id]
    assert set(booking.occurrences.values_list("status", flat=True)) == {Status.PENDING}


# ---------------------------------------------------------------- reading


def test_the_events_api_shows_one_item_per_date_with_both_rooms(api, users, association, room, kitchen):
    booking = fair(users, association, room, kitchen)
    body = api().get("/api/v1/events?" + EVENTS_RANGE).json()
    assert body["count"] == 3
    first_rows = booking.occurrences.filter(start=local(2026, 10, 10, 10))
    item = body["results"][0]
    assert item["rooms"] == [room.id, kitchen.id]
    assert item["venue"] == room.venue_id
    assert item["id"] == min(first_rows.values_list("id", flat=True))
    assert item["id"] == first_rows.get(room=room).id


def test_a_room_filter_finds_the_event_by_any_of_its_rooms(api, client, users, association, room, kitchen):
    fair(users, association, room, kitchen, count=1)
    alone = RoomFactory(venue=room.venue, name="Pieni")
    for query in (f"room={kitchen.id}", f"room={room.id}", f"venue={room.venue_id}"):
        (item,) = api().get(f"/api/v1/events?{EVENTS_RANGE}&{query}").json()["results"]
        assert item["rooms"] == [room.id, kitchen.id], query
    assert api().get(f"/api/v1/events?{EVENTS_RANGE}&room={alone.id}").json()["count"] == 0
    html = client.get(f"/calendar/?view=list&date=2026-10-10&room={kitchen.id}").content.decode()
    assert html.count("Joulumyyjäiset") == 1
    assert "Sali + Keittiö" in html


def test_the_events_api_queries_do_not_grow_with_multi_room_events(
    api, users, association, room, kitchen, django_assert_max_num_queries
):
    fair(users, association, room, kitchen, count=1)
    url = "/api/v1/events?" + EVENTS_RANGE
    with django_assert_max_num_queries(4) as first:
        assert api().get(url).json()["count"] == 1
    for n in range(1, 6):
        hall = RoomFactory(venue=room.venue)
        services.booking_create(
            actor=users.admin,
            association=association,
            room=hall,
            extra_rooms=[RoomFactory(venue=room.venue), RoomFactory(venue=room.venue)],
            title=f"Tapahtuma {n}",
            start=local(2026, 10, 10 + n, 10),
            end=local(2026, 10, 10 + n, 12),
            rrule="FREQ=WEEKLY;COUNT=2",
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        body = api().get(url).json()
    assert body["count"] == 11
    assert all(len(item["rooms"]) in (2, 3) for item in body["results"])


def test_the_feed_has_one_event_and_each_date_once(client, users, association, room, kitchen):
    booking = fair(users, association, room, kitchen, count=4)
    services.booking_cancel(actor=users.admin, booking=booking, occurrence=local(2026, 10, 17, 10))
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    cal = Calendar.from_ical(response.content)
    (vevent,) = [e for e in cal.walk("VEVENT") if "RECURRENCE-ID" not in e]
    assert str(vevent["UID"]) == f"booking-{booking.id}@{site_domain()}"
    assert str(vevent["LOCATION"]) == "Joutsan hyvinvointitupa, Sali + Keittiö"
    starts = sorted(
        e["DTSTART"].dt for e in recurring_ical_events.of(cal).between(date(2026, 1, 1), date(2028, 1, 1))
    )
    assert starts == [local(2026, 10, 10, 10), local(2026, 10, 24, 10), local(2026, 10, 31, 10)]


def test_the_calendar_page_shows_each_date_once_with_every_room(client, users, association, room, kitchen):
    fair(users, association, room, kitchen, count=2)
    html = client.get("/calendar/?view=list&date=2026-10-10").content.decode()
    assert html.count("Joulumyyjäiset") == 2
    assert "Sali + Keittiö" in html


def test_the_booking_e_mail_calendar_lists_every_room(users, association, room, kitchen):
    from booking.feeds import booking_calendar

    booking = fair(users, association, room, kitchen, count=2)
    cal = Calendar.from_ical(booking_calendar(booking))
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["LOCATION"]) == "Joutsan hyvinvointitupa, Sali + Keittiö"


def test_a_room_week_shows_only_its_own_row(client, users, association, room, kitchen):
    fair(users, association, room, kitchen, count=1)
    client.force_login(users.admin)
    response = client.get(f"/rooms/{kitchen.id}/week/?date=2026-10-10")
    if response.status_code == 404:
        pytest.skip("the room week lives at another address")
    assert response.content.decode().count("Joulumyyjäiset") >= 1


# ---------------------------------------------------------------- statistics


def test_usage_counts_room_hours_per_room_and_the_date_once_per_association(
    api, users, association, room, kitchen
):
    fair(users, association, room, kitchen, count=2)
    data = (
        api()
        .get("/api/v1/stats/usage", {"start": "2026-10-01", "end": "2026-10-31", "venue": room.venue_id})
        .json()
    )
    booked = {r["id"]: r["booked_hours"] for r in data["rooms"]}
    assert booked == {room.id: 8.0, kitchen.id: 8.0}
    (entry,) = data["associations"]
    assert entry["id"] == association.id
    assert entry["events"] == 2


# ---------------------------------------------------------------- PostgreSQL: the guarantee


def _overlapping_confirmed_pairs() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM booking_occurrence a JOIN booking_occurrence b
              ON a.room_id = b.room_id AND a.id < b.id
             AND tstzrange(a.start, a.block_end) && tstzrange(b.start, b.block_end)
             WHERE a.status = 'confirmed' AND b.status = 'confirmed'
            """
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_the_exclusion_constraint_holds_in_the_second_room(users, association, room, kitchen):
    booking = fair(users, association, room, kitchen, count=1)
    with pytest.raises(IntegrityError, match="occurrence_no_overlap_confirmed"), transaction.atomic():
        OccurrenceFactory(
            booking=BookingFactory(room=kitchen, start=local(2026, 10, 10, 13), end=local(2026, 10, 10, 15))
        )
    assert booking.occurrences.count() == 2
    assert _overlapping_confirmed_pairs() == 0


@pytest.mark.postgres
def test_racing_for_a_shared_room_lets_one_win(room, kitchen):
    people = []
    for _ in range(6):
        membership = MembershipFactory(association=AssociationFactory(), role="admin")
        people.append((membership.user, membership.association))
    barrier = threading.Barrier(len(people))
    results: list = [None] * len(people)

    def run(index, user, assoc):
        try:
            barrier.wait()
            # Half want the hall and the kitchen, half the kitchen and the hall: the locks are
            # taken in the same order whatever the request says, so nobody deadlocks.
            rooms = [room, kitchen] if index % 2 else [kitchen, room]
            results[index] = services.booking_create(
                actor=user,
                association=assoc,
                room=rooms[0],
                extra_rooms=rooms[1:],
                title=f"Kilpa {index}",
                start=local(2026, 10, 10, 10) + timedelta(minutes=15 * index),
                end=local(2026, 10, 10, 12) + timedelta(minutes=15 * index),
            )
        except Exception as exc:  # noqa: BLE001 - the outcome is what we assert on
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, u, a)) for i, (u, a) in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    wins = [r for r in results if isinstance(r, services.BookingResult)]
    assert len(wins) == 1, results
    assert all(isinstance(r, services.BookingResult | services.BookingConflict) for r in results), results
    assert Occurrence.objects.filter(status=Status.CONFIRMED).count() == 2
    assert _overlapping_confirmed_pairs() == 0


# ---------------------------------------------------------------- editing the series


def test_editing_the_time_pattern_keeps_every_room(users, association, room, kitchen):
    from booking.series import booking_update_series

    booking = fair(users, association, room, kitchen)
    booking_update_series(
        actor=users.admin,
        booking=booking,
        title=booking.title,
        start=local(2026, 10, 10, 11),
        end=local(2026, 10, 10, 15),
        rrule="FREQ=WEEKLY;COUNT=2",
    )
    rows = rows_by_room(booking)
    assert set(rows) == {room.id, kitchen.id}
    assert rows[room.id] == rows[kitchen.id] == [local(2026, 10, 10, 11), local(2026, 10, 17, 11)]


def test_editing_into_a_taken_second_room_changes_nothing(
    users, association, other_association, room, kitchen
):
    from booking.series import booking_update_series

    booking = fair(users, association, room, kitchen)
    before = rows_by_room(booking)
    OccurrenceFactory(
        booking=BookingFactory(
            room=kitchen,
            association=other_association,
            start=local(2026, 10, 17, 15),
            end=local(2026, 10, 17, 17),
        ),
        room=kitchen,
    )
    with pytest.raises(services.BookingConflict) as caught:
        booking_update_series(
            actor=users.admin,
            booking=booking,
            title=booking.title,
            start=local(2026, 10, 10, 12),
            end=local(2026, 10, 10, 16),
            rrule="FREQ=WEEKLY;COUNT=3",
        )
    assert {c.room_id for c in caught.value.conflicts} == {kitchen.id}
    assert rows_by_room(booking) == before
