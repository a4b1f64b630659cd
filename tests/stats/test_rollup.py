"""The statistics rollup equals the figures summed straight from the date rows.

The reference is stats/direct.py: the grouped queries over every date that the statistics
used before the rollup existed. Random worlds of bookings (one room, two rooms at once,
off-site, overnight, across the end of summer time, in two time zones), cancellations,
co-hosts accepting and leaving, participant counts, moved dates and deleted bookings are
written straight through the ORM, bulk updates included: the triggers must see every kind
of write, not only the booking services'. After each burst of writes the usage figures
(the contract's shape) must equal the reference for random periods and every scope.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.models import Booking, CoHost, Occurrence, Status
from stats import direct, selectors
from stats.models import Rollup, RollupPending
from stats.rollup import catch_up, rebuild
from tests.factories import (
    AssociationFactory,
    BookingFactory,
    CoHostFactory,
    MunicipalityFactory,
    RoomFactory,
    VenueFactory,
)

HEL = ZoneInfo("Europe/Helsinki")
# Slots 31 hours apart, each date at most 29 hours long: no two dates of the world ever
# overlap, so PostgreSQL's no-overlap constraint never refuses a random world.
BASE = datetime(2026, 10, 12, 6, 0, tzinfo=HEL)
SLOT = timedelta(hours=31)
SLOTS = 40
FIRST_DAY = date(2026, 10, 1)
LAST_DAY = date(2027, 1, 10)


@pytest.fixture
def world(db):
    north = MunicipalityFactory()
    south = MunicipalityFactory()
    house = VenueFactory(municipality=north, time_zone="Europe/Helsinki")
    hall = VenueFactory(municipality=south, time_zone="Europe/Stockholm")
    rooms = [RoomFactory(venue=house), RoomFactory(venue=house), RoomFactory(venue=hall)]
    associations = [AssociationFactory() for _ in range(3)]
    return {
        "venues": [house, hall],
        "rooms": rooms,
        "associations": associations,
        "municipalities": [north, south],
    }


def figures(start: date, end: date, **scope) -> dict:
    """The usage figures as the API gives them, and the same from the date rows."""
    usage = selectors.usage(start=start, end=end, **scope)
    return {"rollup": usage.as_contract(), "direct": direct.as_contract(usage)}


def assert_equal_everywhere(world, periods) -> None:
    scopes = [{}]
    scopes += [{"venue": v} for v in world["venues"]]
    scopes += [{"room": r} for r in world["rooms"]]
    scopes += [{"municipality": m} for m in world["municipalities"]]
    for start, end in periods:
        for scope in scopes:
            got = figures(start, end, **scope)
            assert got["rollup"] == got["direct"], (start, end, scope)
    assert not RollupPending.objects.exists()


dates = st.lists(
    st.tuples(
        st.integers(0, SLOTS - 1),  # slot
        st.integers(0, 90),  # minutes after the slot
        st.integers(15, 29 * 60),  # minutes long
        st.sampled_from([Status.CONFIRMED, Status.CONFIRMED, Status.CANCELLED, Status.PENDING]),
        st.none() | st.integers(0, 40),  # participants
    ),
    min_size=1,
    max_size=3,
)
bookings = st.lists(
    st.fixed_dictionaries(
        {
            "rooms": st.sampled_from([(0,), (1,), (2,), (0, 1), ()]),  # () = off-site
            "host": st.integers(0, 2),
            "cohosts": st.lists(
                st.tuples(st.integers(0, 2), st.sampled_from(list(CoHost.Status))), max_size=2
            ),
            "dates": dates,
        }
    ),
    min_size=1,
    max_size=8,
)
changes = st.lists(
    st.tuples(
        st.sampled_from(
            ["cancel", "confirm", "count", "move", "host", "accept", "decline", "delete", "bulk"]
        ),
        st.integers(0, 1000),
    ),
    max_size=6,
)
periods = st.lists(
    st.tuples(st.integers(0, (LAST_DAY - FIRST_DAY).days), st.integers(0, 75)).map(
        lambda p: (FIRST_DAY + timedelta(days=p[0]), FIRST_DAY + timedelta(days=p[0] + p[1]))
    ),
    min_size=1,
    max_size=3,
)


def build(world, spec: list[dict]) -> None:
    used: set[int] = set()
    for item in spec:
        rooms = [world["rooms"][i] for i in item["rooms"]]
        booking = BookingFactory(
            association=world["associations"][item["host"]],
            room=rooms[0] if rooms else None,
            location="" if rooms else "Tori",
        )
        for slot, offset, minutes, status, people in item["dates"]:
            if slot in used:
                continue
            used.add(slot)
            start = BASE + slot * SLOT + timedelta(minutes=offset)
            end = start + timedelta(minutes=minutes)
            rows = [
                Occurrence.for_date(booking=booking, room=room, start=start, end=end, status=status)
                for room in rooms or [None]
            ]
            for row in rows:
                row.attendance = people
            Occurrence.objects.bulk_create(rows)
        for index, status in item["cohosts"]:
            CoHost.objects.get_or_create(
                booking=booking, association=world["associations"][index], defaults={"status": status}
            )


def change(world, what: str, pick: int) -> None:
    rows = list(Occurrence.objects.order_by("id"))
    if not rows:
        return
    row = rows[pick % len(rows)]
    if what == "cancel":
        row.status = Status.CANCELLED
        row.save()
    elif what == "confirm":
        row.status = Status.CONFIRMED
        row.save()
    elif what == "count":
        row.attendance = pick % 30
        row.save()
    elif what == "move" and row.room is not None:
        # To a free room of the same venue (the booking service's rule), else nowhere.
        others = [r for r in world["rooms"] if r.venue_id == row.room.venue_id and r != row.room]
        taken = set(
            Occurrence.objects.filter(booking=row.booking, recurrence_id=row.recurrence_id).values_list(
                "room_id", flat=True
            )
        )
        free = [r for r in others if r.id not in taken]
        if free:
            row.room = free[0]
            row.save()
    elif what == "host":
        Booking.objects.filter(pk=row.booking_id).update(
            association=world["associations"][pick % len(world["associations"])]
        )
    elif what == "accept":
        CoHostFactory(booking=row.booking, association=AssociationFactory(), status=CoHost.Status.ACCEPTED)
    elif what == "decline":
        CoHost.objects.filter(booking=row.booking).update(status=CoHost.Status.DECLINED)
    elif what == "delete":
        row.booking.delete()
    elif what == "bulk":
        # One statement, many rows: the PostgreSQL statement triggers' transition tables.
        Occurrence.objects.filter(booking=row.booking).update(status=Status.CANCELLED)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=bookings, edits=changes, windows=periods)
def test_the_rollup_equals_the_date_rows(world, spec, edits, windows):
    with transaction.atomic():
        build(world, spec)
        assert_equal_everywhere(world, windows)
        for what, pick in edits:
            change(world, what, pick)
        assert_equal_everywhere(world, windows + [(FIRST_DAY, LAST_DAY)])
        transaction.set_rollback(True)


ACCEPTED = CoHost.Status.ACCEPTED
FIXED_WORLD = [
    {"rooms": (0, 1), "host": 0, "cohosts": [(1, ACCEPTED)], "dates": [(2, 0, 600, Status.CONFIRMED, 9)]},
    {"rooms": (2,), "host": 1, "cohosts": [(2, ACCEPTED)], "dates": [(5, 30, 1500, Status.CONFIRMED, None)]},
    {"rooms": (), "host": 2, "cohosts": [(0, ACCEPTED)], "dates": [(8, 0, 120, Status.CONFIRMED, 4)]},
]
KINDS = ["cancel", "confirm", "count", "move", "host", "accept", "decline", "delete", "bulk"]


@pytest.mark.parametrize("what", KINDS)
@pytest.mark.parametrize("pick", [0, 1, 2, 3])
def test_each_kind_of_write_alone_reaches_the_figures(world, what, pick):
    """One write after the rollup is up to date: its own marks must be enough."""
    build(world, FIXED_WORLD)
    catch_up()
    change(world, what, pick)
    assert_equal_everywhere(world, [(FIRST_DAY, LAST_DAY), (date(2026, 10, 17), date(2026, 10, 19))])


def test_a_date_across_midnight_and_the_end_of_summer_time_counts_once(world):
    room, association = world["rooms"][0], world["associations"][0]
    # Sat 24 Oct 22:00 to Sun 25 Oct 10:00 (the clocks go back at 04:00): 13 hours.
    booking = BookingFactory(association=association, room=room)
    start = datetime(2026, 10, 24, 22, 0, tzinfo=HEL).astimezone(UTC)  # real hours, not wall-clock
    Occurrence.objects.create(
        booking=booking,
        room=room,
        start=start,
        end=start + timedelta(hours=13),
        block_end=start + timedelta(hours=13),
        recurrence_id=start,
        status=Status.CONFIRMED,
        attendance=7,
    )
    for first, last in [(date(2026, 10, 24), date(2026, 10, 24)), (date(2026, 10, 25), date(2026, 10, 31))]:
        got = figures(first, last, venue=room.venue)
        assert got["rollup"] == got["direct"]
        (entry,) = got["rollup"]["associations"]
        assert entry["events"] == 1 and entry["participants"] == 7
    whole = figures(date(2026, 10, 1), date(2026, 10, 31), venue=room.venue)["rollup"]
    assert whole["associations"][0]["booked_hours"] == 13.0
    assert whole["associations"][0]["events"] == 1


def test_admin_style_writes_reach_the_next_read(world):
    """Writes that bypass every service (a queryset update, a venue's zone) are in the next figures."""
    room, association = world["rooms"][0], world["associations"][0]
    booking = BookingFactory(association=association, room=room)
    start = datetime(2026, 11, 3, 9, 0, tzinfo=HEL)
    Occurrence.objects.create(
        booking=booking, room=room, start=start, end=start + timedelta(hours=2),
        block_end=start + timedelta(hours=2), recurrence_id=start, status=Status.CONFIRMED,
    )  # fmt: skip

    def booked(first: date, last: date) -> float:
        got = figures(first, last, venue=room.venue)
        assert got["rollup"] == got["direct"]
        return got["rollup"]["rooms"][0]["booked_hours"]

    assert booked(date(2026, 11, 3), date(2026, 11, 3)) == 2.0
    Occurrence.objects.filter(booking=booking).update(
        end=start + timedelta(hours=3), block_end=start + timedelta(hours=3)
    )
    assert booked(date(2026, 11, 3), date(2026, 11, 3)) == 3.0
    # In Los Angeles 09:00-12:00 Helsinki is 23:00 on the 2nd to 02:00 on the 3rd: the venue
    # is summed again in its new zone.
    type(room.venue).objects.filter(pk=room.venue_id).update(time_zone="America/Los_Angeles")
    room.venue.refresh_from_db()
    assert booked(date(2026, 11, 2), date(2026, 11, 2)) == 1.0
    assert booked(date(2026, 11, 3), date(2026, 11, 3)) == 2.0


def test_catching_up_takes_the_same_queries_for_one_date_or_hundreds(world):
    room, association = world["rooms"][0], world["associations"][0]

    def queries_to_catch_up(n: int, days_ahead: int) -> int:
        booking = BookingFactory(association=association, room=room)
        rows = []
        for k in range(n):
            start = BASE + k * SLOT + timedelta(days=days_ahead)
            rows.append(
                Occurrence.for_date(
                    booking=booking,
                    room=room,
                    start=start,
                    end=start + timedelta(hours=2),
                    status=Status.CONFIRMED,
                )  # fmt: skip
            )
        Occurrence.objects.bulk_create(rows)
        CoHostFactory(booking=booking, association=world["associations"][1])
        with CaptureQueriesContext(connection) as captured:
            catch_up()
        # SQLite takes at most 999 parameters a statement, so Django splits the rollup's bulk
        # insert by rows there: those inserts are the only statements allowed to grow.
        return sum(1 for q in captured if not q["sql"].startswith('INSERT INTO "stats_rollup"'))

    catch_up()
    one = queries_to_catch_up(1, days_ahead=0)
    assert one == queries_to_catch_up(300, days_ahead=10)
    assert one <= 20


def test_rebuild_gives_the_rows_catching_up_gave(world):
    spec = [
        {
            "rooms": (0, 1),
            "host": 0,
            "cohosts": [(1, CoHost.Status.ACCEPTED)],
            "dates": [(3, 0, 600, Status.CONFIRMED, 12)],
        }
    ]
    build(world, spec)
    catch_up()

    def snapshot():
        return sorted(
            Rollup.objects.values_list(
                "grain", "room_id", "day", "association_id", "role",
                "seconds", "events", "primary_events", "participants", "recorded",
            )
        )  # fmt: skip

    before = snapshot()
    assert before
    Rollup.objects.all().delete()
    rebuild()
    assert snapshot() == before


def test_the_command_verifies_and_says_when_the_rollup_is_wrong(world):
    build(world, FIXED_WORLD)
    out = io.StringIO()
    call_command("stats_rollup", "--verify", "2026-10-01", "2026-12-31", stdout=out)
    assert "equals the date rows" in out.getvalue()
    Rollup.objects.filter(role=Rollup.Role.HOST).update(seconds=1)
    with pytest.raises(CommandError, match="differ"):
        call_command("stats_rollup", "--verify", "2026-10-01", "2026-12-31", stdout=out, stderr=io.StringIO())
    call_command("stats_rollup", "--rebuild", "--verify", "2026-10-01", "2026-12-31", stdout=out)
