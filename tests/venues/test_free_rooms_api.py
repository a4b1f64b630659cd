"""GET /api/v1/rooms?free_start=&free_end=&capacity=: the rooms free for a time (CONTRACT.md)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking.models import Status
from tests.conftest import HEL
from tests.factories import BookingFactory, ClosureFactory, OccurrenceFactory, RoomFactory, open_every_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def at(hour: int, minute: int = 0, day: str = "2026-12-01") -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=HEL)


def free(api, start: datetime, end: datetime, **extra) -> list[int]:
    response = api(None).get(
        "/api/v1/rooms", {"free_start": start.isoformat(), "free_end": end.isoformat(), **extra}
    )
    assert response.status_code == 200, response.content
    return [r["id"] for r in response.json()["results"]]


def occupy(room, start, end, status=Status.CONFIRMED):
    booking = BookingFactory(room=room, start=start, end=end, status=status)
    return OccurrenceFactory(booking=booking)


def test_it_lists_rooms_without_a_confirmed_booking_then(api, room, approval_room):
    occupy(room, at(18), at(20))
    assert free(api, at(18), at(19)) == [approval_room.pk]
    assert free(api, at(16), at(18)) == [room.pk, approval_room.pk]  # back-to-back is fine
    assert free(api, at(20), at(21)) == [room.pk, approval_room.pk]


def test_a_pending_or_cancelled_booking_does_not_hold_the_room(api, room):
    occupy(room, at(18), at(20), status=Status.PENDING)
    occupy(room, at(18), at(20), status=Status.CANCELLED)
    assert free(api, at(18), at(19)) == [room.pk]


def test_buffers_count_both_ways(api, venue):
    buffered = RoomFactory(venue=venue, buffer_minutes=30)
    occupy(buffered, at(18), at(20))
    assert free(api, at(20), at(21)) == []  # the existing booking's turnaround
    assert free(api, at(20, 30), at(21)) == [buffered.pk]
    assert free(api, at(17), at(18)) == []  # this room's turnaround after the asked time
    assert free(api, at(16), at(17, 30)) == [buffered.pk]


def test_another_rooms_buffer_does_not_widen_this_room(api, venue, room):
    RoomFactory(venue=venue, buffer_minutes=60)
    occupy(room, at(18), at(20))
    assert room.pk in free(api, at(17), at(18))


def test_opening_hours_are_in_the_venues_zone(api, room):
    # open 08-22 Helsinki time: 06:00-20:00 UTC in winter
    assert free(api, at(8), at(22)) == [room.pk]
    assert free(api, at(7, 30), at(9)) == []
    assert free(api, at(21), at(22, 30)) == []
    utc = datetime(2026, 12, 1, 6, 0, tzinfo=ZoneInfo("UTC"))
    assert free(api, utc, utc + timedelta(hours=1)) == [room.pk]
    assert free(api, utc - timedelta(minutes=1), utc + timedelta(hours=1)) == []


def test_a_rooms_own_hours_replace_the_venues(api, venue, room):
    evening = RoomFactory(venue=venue)
    open_every_day(venue, opens=time(17), closes=time(21), room=evening)
    assert free(api, at(10), at(11)) == [room.pk]
    assert free(api, at(18), at(19)) == [room.pk, evening.pk]


def test_closures_of_the_house_or_the_room(api, venue, room):
    other = RoomFactory(venue=venue)
    ClosureFactory(venue=venue, room=room, start=at(12), end=at(14))
    assert free(api, at(13), at(15)) == [other.pk]
    ClosureFactory(venue=venue, start=at(15), end=at(16))
    assert free(api, at(15, 30), at(17)) == []
    assert free(api, at(16), at(17)) == [room.pk, other.pk]


def test_capacity_and_needs(api, venue):
    small = RoomFactory(venue=venue, capacity=6, step_free_access=True)
    big = RoomFactory(venue=venue, capacity=40, hearing_loop=True, step_free_access=True)
    assert free(api, at(10), at(11), capacity=10) == [big.pk]
    assert free(api, at(10), at(11), capacity=6) == [small.pk, big.pk]
    assert free(api, at(10), at(11), hearing_loop="true") == [big.pk]
    assert free(api, at(10), at(11), step_free_access="true") == [small.pk, big.pk]
    body = api(None).get("/api/v1/rooms", {"capacity": 20}).json()  # capacity alone
    assert [r["id"] for r in body["results"]] == [big.pk]


def test_rooms_that_take_no_bookings_are_left_out(api, venue, room):
    RoomFactory(venue=venue, is_active=False)
    assert free(api, at(10), at(11)) == [room.pk]


@pytest.mark.parametrize(
    "query, field",
    [
        ({"free_start": "2026-12-01T10:00:00+02:00"}, "free_end"),
        ({"free_end": "2026-12-01T10:00:00+02:00"}, "free_start"),
        ({"free_start": "2026-12-01T10:00:00", "free_end": "2026-12-01T11:00:00+02:00"}, "free_start"),
        ({"free_start": "2026-12-01T10:00:00+02:00", "free_end": "2026-12-01"}, "free_end"),
        ({"free_start": "2026-12-01T10:00:00+02:00", "free_end": "2026-12-01T10:00:00+02:00"}, "free_end"),
        ({"free_start": "2026-12-01T11:00:00+02:00", "free_end": "2026-12-01T10:00:00+02:00"}, "free_end"),
        ({"free_start": "yesterday", "free_end": "2026-12-01T10:00:00+02:00"}, "free_start"),
        ({"capacity": "-1"}, "capacity"),
        ({"capacity": "many"}, "capacity"),
        ({"capacity": "9" * 30}, "capacity"),
        ({"hearing_loop": "perhaps"}, "hearing_loop"),
    ],
)
def test_bad_queries_are_answered_per_field(api, room, query, field):
    response = api(None).get("/api/v1/rooms", query)
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field] and isinstance(body[field], list) and body[field][0]


def test_an_unencoded_plus_in_the_offset_is_understood(api, room):
    response = api(None).get(
        "/api/v1/rooms?free_start=2026-12-01T10:00:00+02:00&free_end=2026-12-01T11:00:00+02:00"
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [room.pk]


def test_the_query_count_does_not_grow_with_rooms(api, venue, room, django_assert_max_num_queries):
    for i in range(30):
        r = RoomFactory(venue=venue, buffer_minutes=i % 3 * 15)
        if i % 5 == 0:
            open_every_day(venue, room=r)
        occupy(r, at(10 + i % 4), at(11 + i % 4))
        ClosureFactory(venue=venue, room=r, start=at(15), end=at(16))
    with django_assert_max_num_queries(5):
        ids = free(api, at(12), at(13))
    # Asked 12-13: a 12-13 booking holds it; 11-12 and 13-14 ones only when a buffer joins them.
    busy = {i for i in range(30) if i % 4 == 2 or (i % 4 in (1, 3) and i % 3)}
    assert len(ids) == 30 - len(busy) + 1  # plus the shared fixture's room


def test_the_schema_documents_the_parameters(api):
    schema = api(None).get("/api/schema/?format=json").json()
    params = {p["name"] for p in schema["paths"]["/api/v1/rooms"]["get"]["parameters"]}
    assert {"free_start", "free_end", "capacity"} <= params
    assert "400" in schema["paths"]["/api/v1/rooms"]["get"]["responses"]
