"""Alternatives when the requested time is taken: nearest free times, other rooms."""

from datetime import time, timedelta

import pytest

from booking import services
from booking.alternatives import candidate_shifts, free_shifts, shift_slots, suggest_alternatives
from booking.recurrence import Slot, expand
from booking.rules import ClosedSpan, Hours, RoomRules
from tests.factories import ClosureFactory, RoomFactory

from ..conftest import HEL, NOW, at


def rules(**kw) -> RoomRules:
    values = {
        "tz": HEL,
        "hours": [Hours(d, time(8), time(22)) for d in range(7)],
        "closures": [],
        "min_minutes": 30,
        "max_minutes": 720,
        "horizon_days": 365,
    }
    values.update(kw)
    return RoomRules(**values)


# ---------------------------------------------------------------- pure


def test_shifts_are_nearest_first_later_before_earlier():
    slots = [Slot(at("2026-12-01", 18), at("2026-12-01", 20))]
    shifts = list(candidate_shifts(slots, HEL))
    assert shifts[:3] == [timedelta(minutes=30), timedelta(minutes=-30), timedelta(hours=1)]
    assert shifts[-1] == -timedelta(days=3)


def test_a_series_keeps_its_day():
    slots = expand("FREQ=WEEKLY;COUNT=3", at("2026-12-01", 18), at("2026-12-01", 20), HEL)
    shifts = list(candidate_shifts(slots, HEL))
    assert max(shifts) == timedelta(hours=5, minutes=30)  # 23:30 is the latest start on that day
    assert min(shifts) == -timedelta(hours=18)


def test_shifting_keeps_wall_clock_time_across_dst():
    slots = [Slot(at("2027-03-23", 18), at("2027-03-23", 20))]
    moved = shift_slots(slots, timedelta(days=7), HEL)
    assert moved[0].start == at("2027-03-30", 18)  # +03:00 by then, still 18:00 local


def test_free_shifts_skip_busy_closed_and_closing_time():
    slots = [Slot(at("2026-12-01", 18), at("2026-12-01", 20))]
    busy = [(at("2026-12-01", 17), at("2026-12-01", 21))]
    closed = rules(closures=[ClosedSpan(at("2026-12-01", 21), at("2026-12-01", 22), "Siivous")])
    found = [
        shift
        for shift, _moved in free_shifts(
            slots=slots,
            busy=busy,
            rules=closed,
            buffer=timedelta(0),
            now=NOW,
            shifts=candidate_shifts(slots, HEL),
        )
    ]
    assert found[0] == timedelta(hours=-3)  # 15:00–17:00: back-to-back with the busy one is fine
    assert timedelta(hours=1) not in found and timedelta(hours=3) not in found


def test_buffer_keeps_turnaround_free():
    slots = [Slot(at("2026-12-01", 18), at("2026-12-01", 20))]
    busy = [(at("2026-12-01", 17), at("2026-12-01", 19, 30))]  # block_end includes its buffer
    found = free_shifts(
        slots=slots,
        busy=busy,
        rules=rules(),
        buffer=timedelta(minutes=30),
        now=NOW,
        shifts=candidate_shifts(slots, HEL),
    )
    shift, moved = next(found)
    assert moved[0].start == at("2026-12-01", 19, 30)
    assert shift == timedelta(hours=1, minutes=30)
    earlier = [moved for shift, moved in found if shift < timedelta(0)]
    assert earlier[0][0].end == at("2026-12-01", 16, 30)  # ends a buffer's length before the other starts


# ---------------------------------------------------------------- with the database


@pytest.mark.django_db
def test_it_suggests_nearby_times_and_other_rooms(
    frozen, users, other_association, room, venue, django_assert_max_num_queries
):
    small = RoomFactory(venue=venue, name="Pieni", capacity=5)
    big = RoomFactory(venue=venue, name="Iso", capacity=30)
    RoomFactory(venue=venue, name="Suljettu", is_active=False, capacity=30)
    taken_big = RoomFactory(venue=venue, name="Varattu", capacity=30)
    for target in (room, taken_big):
        services.booking_create(
            actor=users.outsider,
            association=other_association,
            room=target,
            title="x",
            start=at("2026-12-01", 17),
            end=at("2026-12-01", 20),
        )
    slots = [Slot(at("2026-12-01", 18), at("2026-12-01", 20))]
    with django_assert_max_num_queries(12):
        result = suggest_alternatives(room=room, slots=slots, participants=12)
    assert [a.local_start.strftime("%H:%M") for a in result.same_room] == [
        "20:00",
        "15:00",
        "14:30",
        "14:00",
        "13:30",
    ]
    assert [a.room for a in result.other_rooms] == [big]
    assert small not in [a.room for a in result.other_rooms]


@pytest.mark.django_db
def test_other_rooms_must_be_free_on_every_date(frozen, users, other_association, room, venue):
    other = RoomFactory(venue=venue, name="Toinen")
    ClosureFactory(venue=venue, room=other, start=at("2026-12-15", 0), end=at("2026-12-16", 0))
    slots = expand("FREQ=WEEKLY;COUNT=3", at("2026-12-01", 18), at("2026-12-01", 20), HEL)
    assert suggest_alternatives(room=room, slots=slots).other_rooms == []


@pytest.mark.django_db
def test_nothing_in_the_past(frozen, room):
    slots = [Slot(at("2026-11-23", 9), at("2026-11-23", 10))]
    result = suggest_alternatives(room=room, slots=slots, limit=50)
    assert all(a.start >= NOW for a in result.same_room)
