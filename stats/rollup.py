"""Keeping the statistics rollup (stats/models.py Rollup) equal to the date rows.

The triggers (stats/triggers.py) leave a mark for every write the figures read. `catch_up`
claims the marks, works out which (venue, local day) units they touch, sums those units again
from the date rows and rewrites their daily rows and the monthly rows of their months. It
runs before every statistics read (stats/selectors.py), so a saved change is in the very
next figures on every server, and in the worker between reads, so reads rarely find work.

Why whole venue-days: a date held in two rooms at once is one event, counted on one of its
rows (the lowest room id; `primary_events`); a change to one room's row can move that count
to another room of the same venue, so every room of the venue is summed again for the day.

Concurrency: one catch-up at a time (a transaction-scoped advisory lock on PostgreSQL; on
SQLite every transaction takes the write lock at BEGIN, settings.py). A mark committed while
a catch-up runs is either seen by its re-summing (the sums read committed rows) or left for
the next one: re-summing a unit twice gives the same rows, so nothing is lost or doubled.
Marks are claimed by id, never by "every id below", since on PostgreSQL a lower id can
commit later.

The number of queries is fixed per piece of work (about ten for each venue summed whole and
for each DAYS_PER_PART venue-days), whatever the number of dates involved.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q, Subquery, Sum

from booking.models import CoHost, Occurrence, Status
from venues.models import Room, Venue

from . import days as d
from .hours import day_bounds
from .models import Rollup, RollupPending
from .query import overlap

# pg advisory lock key: b"tupastat" as a number.
LOCK = 8392016226089066868
BATCH = 5000
OFFSITE = 0  # the venue key of dates held elsewhere (no venue has id 0)

SUMMED = ("seconds", "events", "primary_events", "participants", "recorded")
CARRIED = ("carried_events", "carried_primary", "carried_participants", "carried_recorded")


@dataclass
class Units:
    """What to sum again: days per venue key, and venue keys to sum again whole."""

    days: dict[int, set[date]] = field(default_factory=lambda: defaultdict(set))
    whole: set[int] = field(default_factory=set)


def catch_up(using: str = DEFAULT_DB_ALIAS) -> int:
    """Fold every committed mark into the rollup; the number of marks handled."""
    if not RollupPending.objects.using(using).exists():  # the usual case: one indexed query
        return 0
    handled = 0
    while True:
        with transaction.atomic(using=using):
            connection = connections[using]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
            marks = list(RollupPending.objects.using(using).order_by("id")[:BATCH])
            if not marks:
                return handled
            places = _places(using)
            for part in _parts(_units(marks, places, using)):
                _apply(part, places, using)
            ids = [mark.id for mark in marks]
            for n in range(0, len(ids), 900):  # well below any database's limit on parameters
                RollupPending.objects.using(using).filter(id__in=ids[n : n + 900]).delete()
        handled += len(marks)
        if len(marks) < BATCH:
            return handled


def rebuild(using: str = DEFAULT_DB_ALIAS) -> int:
    """Sum everything again from the date rows (after a restore, or to be sure)."""
    RollupPending.objects.using(using).create(kind="a")
    return catch_up(using)


# ---------------------------------------------------------------- marks -> units


@dataclass
class Places:
    """Where dates are summed, read once per batch: rooms and venues are few."""

    venue_zone: dict[int, ZoneInfo]  # venue id -> zone
    room_venue: dict[int, int]  # room id -> venue id
    venue_rooms: dict[int, list[int]]  # venue id -> its room ids, sorted

    def zone(self, key: int) -> ZoneInfo:
        """The zone a venue key's days are local to (off-site dates: the site's)."""
        return ZoneInfo(settings.TIME_ZONE) if key == OFFSITE else self.venue_zone[key]

    def key_of(self, room_id: int | None) -> int:
        return OFFSITE if room_id is None else self.room_venue[room_id]


def _places(using: str) -> Places:
    venue_zone = {v.id: v.tz for v in Venue.objects.using(using).only("id", "time_zone").order_by()}
    room_venue = dict(Room.objects.using(using).order_by("id").values_list("id", "venue_id"))
    venue_rooms: dict[int, list[int]] = defaultdict(list)
    for room_id, venue_id in room_venue.items():
        venue_rooms[venue_id].append(room_id)
    return Places(venue_zone, room_venue, venue_rooms)


def _units(marks: list[RollupPending], places: Places, using: str) -> Units:
    units = Units()
    spans: list[tuple[int | None, datetime, datetime]] = []
    bookings = set()
    for mark in marks:
        if mark.kind == "a":
            units.whole |= set(places.venue_zone) | {OFFSITE}
        elif mark.kind == "v" and mark.venue_id is not None:
            units.whole.add(mark.venue_id)
        elif mark.kind == "b" and mark.booking_id is not None:
            bookings.add(mark.booking_id)
        elif mark.kind == "s" and mark.start is not None and mark.end is not None:
            spans.append((mark.room_id, mark.start, mark.end))
    if bookings:
        # Every confirmed date of the booking carries its association and co-hosts.
        spans += (
            Occurrence.objects.using(using)
            .filter(booking_id__in=bookings, status=Status.CONFIRMED)
            .values_list("room_id", "start", "end")
        )
    for room_id, start, end in spans:
        if room_id is not None and room_id not in places.room_venue:
            continue  # the room is gone, and its rollup rows with it
        key = places.key_of(room_id)
        if key not in units.whole:
            units.days[key].update(d.days_touched(start, end, places.zone(key)))
    return units


# ---------------------------------------------------------------- units -> rows

# Days per delete statement: keeps `day IN (...)` far below any database's parameter limit.
DAYS_PER_PART = 2000


def _parts(units: Units) -> list[Units]:
    """The units in pieces of at most DAYS_PER_PART days; a venue summed whole is a piece of
    its own, so summing everything holds one venue's dates in memory at a time."""
    parts = [Units(whole={key}) for key in sorted(units.whole)]
    current = Units()
    size = 0
    for key in sorted(units.days):
        if current.days and size + len(units.days[key]) > DAYS_PER_PART:
            parts.append(current)
            current, size = Units(), 0
        current.days[key] = units.days[key]
        size += len(units.days[key])
    if current.days:
        parts.append(current)
    return parts


def _apply(units: Units, places: Places, using: str) -> None:
    keys = units.whole | set(units.days)
    if not keys:
        return
    whole = units.whole
    zone, venue_of = places.zone, places.key_of

    def room_filter(key: int) -> Q:
        # Room ids, not a join to the venue: the rollup's (room, grain, day) index serves it.
        if key == OFFSITE:
            return Q(room__isnull=True)
        return Q(room_id__in=places.venue_rooms[key])

    # The date rows to sum: all of a whole venue, else those overlapping its days.
    source = Q(pk__in=[])
    for key in keys:
        if key in whole:
            source |= room_filter(key)
        else:
            tz = zone(key)
            first = day_bounds(min(units.days[key]), tz)[0]
            last = day_bounds(max(units.days[key]), tz)[1]
            source |= room_filter(key) & overlap(first, last)
    dates = Occurrence.objects.using(using).filter(source, status=Status.CONFIRMED)
    rows = list(
        dates.values_list(
            "booking_id", "recurrence_id", "room_id", "start", "end", "attendance", "booking__association_id"
        )
    )
    cohosts: dict[int, list[int]] = defaultdict(list)
    for booking_id, association_id, host_id in (
        CoHost.objects.using(using)
        .filter(status=CoHost.Status.ACCEPTED, booking_id__in=Subquery(dates.values("booking_id")))
        .values_list("booking_id", "association_id", "booking__association_id")
    ):
        if association_id != host_id:  # a host listed as its own co-host is still one host
            cohosts[booking_id].append(association_id)

    # A date's event is counted on its row with the lowest room id within the venue.
    primary: dict[tuple, int | None] = {}
    for booking_id, recurrence_id, room_id, *_ in rows:
        event = (venue_of(room_id), booking_id, recurrence_id)
        if event not in primary or (room_id or 0) < (primary[event] or 0):
            primary[event] = room_id

    sums: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SUMMED + CARRIED, 0))
    for booking_id, recurrence_id, room_id, start, end, attendance, host_id in rows:
        key = venue_of(room_id)
        wanted = None if key in whole else units.days[key]
        is_primary = primary[(key, booking_id, recurrence_id)] == room_id
        roles = [(host_id, Rollup.Role.HOST)] + [(a, Rollup.Role.COHOST) for a in cohosts[booking_id]]
        for share in d.shares(start, end, zone(key)):
            if wanted is not None and share.day not in wanted:
                continue
            for association_id, role in roles:
                entry = sums[(room_id, share.day, association_id, role)]
                entry["seconds"] += share.seconds
                prefix = "carried_" if share.carried else ""
                entry[f"{prefix}events"] += 1
                entry["carried_primary" if share.carried else "primary_events"] += int(is_primary)
                entry[f"{prefix}participants"] += attendance or 0
                entry[f"{prefix}recorded"] += int(attendance is not None)

    # Rewrite the daily rows of the units, then the monthly rows of their months.
    day_rows = Q(pk__in=[])
    month_rows = Q(pk__in=[])
    for key in keys:
        if key in whole:
            day_rows |= room_filter(key)
            month_rows |= room_filter(key)
        else:
            day_rows |= room_filter(key) & Q(day__in=sorted(units.days[key]))
            for month in sorted({d.month_of(x) for x in units.days[key]}):
                month_rows |= room_filter(key) & Q(day__gte=month, day__lt=d.next_month(month))
    Rollup.objects.using(using).filter(day_rows, grain=Rollup.Grain.DAY).delete()
    Rollup.objects.using(using).bulk_create(
        (
            Rollup(
                grain=Rollup.Grain.DAY,
                room_id=room_id,
                day=day,
                month=d.month_of(day),
                association_id=association_id,
                role=role,
                **entry,
            )
            for (room_id, day, association_id, role), entry in sums.items()
        ),
        batch_size=1000,
    )
    Rollup.objects.using(using).filter(month_rows, grain=Rollup.Grain.MONTH).delete()
    monthly = list(
        Rollup.objects.using(using)
        .filter(month_rows, grain=Rollup.Grain.DAY)
        .values("room_id", "month", "association_id", "role")
        .order_by()
        .annotate(
            total_seconds=Sum("seconds"),
            total_events=Sum("events"),
            total_primary=Sum("primary_events"),
            total_participants=Sum("participants"),
            total_recorded=Sum("recorded"),
        )
    )
    Rollup.objects.using(using).bulk_create(
        (
            Rollup(
                grain=Rollup.Grain.MONTH,
                room_id=row["room_id"],
                day=row["month"],
                month=row["month"],
                association_id=row["association_id"],
                role=row["role"],
                seconds=row["total_seconds"],
                events=row["total_events"],
                primary_events=row["total_primary"],
                participants=row["total_participants"],
                recorded=row["total_recorded"],
            )
            for row in monthly
        ),
        batch_size=1000,
    )
