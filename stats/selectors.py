"""Usage statistics: the rollup does the summing, stats/hours.py the opening-hours arithmetic.

Booked hours, events and visits come from the rollup (stats/models.py Rollup, kept by
stats/rollup.py): whole months from the monthly rows, the days at either end from the
daily rows, so a year of one house reads a few hundred rows whatever the installation
holds. Each figure is one grouped query; the number of queries never depends on the data.
stats/direct.py computes the same figures from the date rows, as the reference.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, F, Q, QuerySet, Sum, Value, When

from associations.models import Association
from venues.models import Closure, Municipality, OpeningHours, Room, Venue

from . import days as d
from . import hours as h
from .models import Rollup
from .query import Scope, scopes_for
from .rollup import catch_up


def _weekly_hours(rows: list[OpeningHours]) -> dict[tuple[int, int | None], dict[int, list]]:
    """(venue, room or None) -> weekday -> [(opens, closes)]."""
    table: dict[tuple[int, int | None], dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        table[(row.venue_id, row.room_id)][row.weekday].append((row.opens, row.closes))
    return table


def _open_intervals(start: date, end: date, rooms: list[Room]) -> dict[int, dict[str, list[h.Interval]]]:
    """room id -> month -> open spans less closures. Two queries, the arithmetic in stats/hours.py."""
    venue_ids = {room.venue_id for room in rooms}
    weekly = _weekly_hours(list(OpeningHours.objects.filter(venue_id__in=venue_ids)))
    closures: dict[tuple[int, int | None], list[h.Interval]] = defaultdict(list)
    widest = [h.period_bounds(start, end, room.venue.tz) for room in rooms]
    if widest:
        spans = Closure.objects.filter(
            venue_id__in=venue_ids,
            start__lt=max(b for _, b in widest),
            end__gt=min(a for a, _ in widest),
        )
        for closure in spans:
            closures[(closure.venue_id, closure.room_id)].append((closure.start, closure.end))
    result = {}
    memo: dict = {}
    for room in rooms:
        # Rows for the room replace the venue's week for that room; with neither, the room
        # is open around the clock (booking/rules.py treats it as always bookable).
        week = weekly.get((room.venue_id, room.id)) or weekly.get((room.venue_id, None))
        shut = closures[(room.venue_id, None)] + closures[(room.venue_id, room.id)]
        result[room.id] = h.open_intervals_by_month(start, end, room.venue.tz, week, shut, memo)
    return result


@dataclass
class Visits:
    """Recorded visits per month (label), each date once: the rooms listed, and the dates held
    elsewhere when all venues are shown."""

    participants: dict[str, int]
    recorded: dict[str, int]


@dataclass
class RollupRead:
    """The rollup rows of one period and scope, and how to sum them.

    `main` picks the rows that file the period's own figures (whole months, edge days);
    `first` the daily row of the period's first day, whose carried counts add the dates
    that began before the period and run into it (stats/days.py).
    """

    rows: QuerySet
    main: Q
    first: Q
    one_room: bool  # count every room's row (one room read) or one row per date

    def seconds(self):
        return Sum(Case(When(self.main, then=F("seconds")), default=Value(0)))

    def count(self, name: str):
        """A count over the dates overlapping the period: started in it, or carried into it."""
        if name == "events":
            started, carried = (
                ("events", "carried_events") if self.one_room else ("primary_events", "carried_primary")
            )
        else:
            started, carried = name, f"carried_{name}"
        return Sum(Case(When(self.main, then=F(started)), default=Value(0))) + Sum(
            Case(When(self.first, then=F(carried)), default=Value(0))
        )


def _rollup_read(
    start: date, end: date, rooms: list[Room] | None, offsite: bool, one_room: bool
) -> RollupRead:
    """rooms None: every room (and off-site), read without a room filter."""
    parts = d.period_parts(start, end)
    main = Q(pk__in=[])
    if parts.months:
        main |= Q(grain=Rollup.Grain.MONTH, day__range=parts.months)
    for first_day, last_day in parts.days:
        main |= Q(grain=Rollup.Grain.DAY, day__range=(first_day, last_day))
    first = Q(grain=Rollup.Grain.DAY, day=start)
    rows = Rollup.objects.filter(main | first)
    if rooms is not None:
        where = Q(room_id__in=[room.id for room in rooms])
        if offsite:
            where |= Q(room__isnull=True)
        rows = rows.filter(where)
    return RollupRead(rows, main, first, one_room)


def _open_seconds(spans: dict[int, dict[str, list[h.Interval]]]) -> dict[int, dict[str, float]]:
    """room id -> month -> open seconds; rooms sharing one answer of stats/hours.py share its sums."""
    memo: dict[int, dict[str, float]] = {}
    result = {}
    for pk, months in spans.items():
        if id(months) not in memo:
            memo[id(months)] = {m: h.seconds(i) for m, i in months.items()}
        result[pk] = memo[id(months)]
    return result


def _room_booked_seconds(read: RollupRead) -> dict[int, dict[str, float]]:
    """room id -> month -> booked seconds of confirmed dates (every date has one host row)."""
    result: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    rows = (
        read.rows.filter(read.main, role=Rollup.Role.HOST, room__isnull=False)
        .values("room_id", "month")
        .order_by()
        .annotate(secs=Sum("seconds"))
    )
    for row in rows:
        result[row["room_id"]][h.month_label(row["month"])] += float(row["secs"] or 0)
    return result


def _association_figures(read: RollupRead) -> tuple[dict[int, dict[str, float]], Visits]:
    """association id -> {"secs", "events", "hosted", "cohosted", "participants", "recorded"}:
    as the host, then as an accepted co-host (a joint event counts for every host, like its
    hours); and the visits per month, from the host rows (every date has exactly one host).
    Like the associations' figures these take in events held elsewhere when no venue is
    chosen: they are visits all the same."""
    figures: dict[int, dict[str, float]] = defaultdict(
        lambda: {"secs": 0.0, "events": 0, "hosted": 0, "cohosted": 0, "participants": 0, "recorded": 0}
    )
    # Grouped by month too, which gives the visits per month from the host rows in the
    # same query: its rows are associations x months, still no matter how many dates.
    visits = Visits(defaultdict(int), defaultdict(int))
    rows = (
        read.rows.values("association_id", "role", "month")
        .order_by()
        .annotate(
            secs=read.seconds(),
            events=read.count("events"),
            participants=read.count("participants"),
            recorded=read.count("recorded"),
        )
    )
    for row in rows:
        entry = figures[row["association_id"]]
        entry["secs"] += float(row["secs"] or 0)
        entry["events"] += row["events"] or 0
        entry["participants"] += row["participants"] or 0
        entry["recorded"] += row["recorded"] or 0
        if row["role"] == Rollup.Role.HOST:
            entry["hosted"] += row["events"] or 0
            label = h.month_label(row["month"])
            visits.participants[label] += row["participants"] or 0
            visits.recorded[label] += row["recorded"] or 0
        else:
            entry["cohosted"] += row["events"] or 0
    return figures, visits


@dataclass
class Usage:
    start: date
    end: date
    venue: Venue | None
    rooms: list[Room]
    scopes: list[Scope]
    open_spans: dict[int, dict[str, list[h.Interval]]]
    open_secs: dict[int, dict[str, float]]
    booked_secs: dict[int, dict[str, float]]
    visits: Visits
    associations: dict[int, dict[str, float]]
    association_names: dict[int, str]
    month_labels: list[str]

    def as_contract(self) -> dict:
        """The shape CONTRACT.md fixes for GET /api/v1/stats/usage."""
        rooms = []
        for room in self.rooms:
            opened = sum(self.open_secs[room.id].values())
            booked = sum(self.booked_secs.get(room.id, {}).values())
            rooms.append(
                {
                    "id": room.id,
                    "name": room.name,
                    "open_hours": h.hours(opened),
                    "booked_hours": h.hours(booked),
                    "utilization": h.utilization(booked, opened),
                }
            )
        by_month = []
        for label in self.month_labels:
            opened = sum(self.open_secs[room.id][label] for room in self.rooms)
            booked = sum(self.booked_secs.get(room.id, {}).get(label, 0.0) for room in self.rooms)
            by_month.append(
                {
                    "month": label,
                    "open_hours": h.hours(opened),
                    "booked_hours": h.hours(booked),
                    "utilization": h.utilization(booked, opened),
                    "participants": self.visits.participants.get(label, 0),
                    "recorded_events": self.visits.recorded.get(label, 0),
                }
            )
        associations: list[dict[str, Any]] = [
            {
                "id": pk,
                "name": self.association_names.get(pk, ""),
                "booked_hours": h.hours(entry["secs"]),
                "events": entry["events"],
                "participants": entry["participants"],
                "recorded_events": entry["recorded"],
            }
            for pk, entry in self.associations.items()
            if entry["secs"] > 0 or entry["events"] > 0
        ]
        associations.sort(key=lambda a: (-a["booked_hours"], a["id"]))
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "rooms": rooms,
            "associations": associations,
            "by_month": by_month,
        }


def usage(
    *,
    start: date,
    end: date,
    venue: Venue | None = None,
    room: Room | None = None,
    municipality: Municipality | None = None,
) -> Usage:
    """Open and booked hours per room and month, hours and events per association.

    Off-site occurrences (no room) belong to no venue: they count for their associations
    only when no municipality, venue (and no room) is chosen, and never for a room's booked hours.
    """
    rooms_qs = Room.objects.select_related("venue").order_by("id")
    if municipality is not None:
        rooms_qs = rooms_qs.filter(venue__municipality=municipality)
    if venue is not None:
        rooms_qs = rooms_qs.filter(venue=venue)
    if room is not None:
        rooms_qs = rooms_qs.filter(pk=room.pk)
    rooms = list(rooms_qs)
    everywhere = venue is None and room is None and municipality is None
    scopes = scopes_for(start, end, rooms, offsite=everywhere)
    spans = _open_intervals(start, end, rooms)
    # Every write committed so far is in the figures: fold in what changed since the last read.
    catch_up()
    read = _rollup_read(
        start, end, None if everywhere else rooms, offsite=everywhere, one_room=room is not None
    )
    figures, visits = _association_figures(read) if scopes else ({}, Visits({}, {}))
    names = (
        dict(Association.objects.filter(id__in=list(figures)).values_list("id", "name")) if figures else {}
    )
    return Usage(
        start=start,
        end=end,
        venue=venue,
        rooms=rooms,
        scopes=scopes,
        open_spans=spans,
        open_secs=_open_seconds(spans),
        booked_secs=_room_booked_seconds(read),
        visits=visits,
        associations=figures,
        association_names=names,
        month_labels=[label for label, _, _ in h.months(start, end)],
    )
