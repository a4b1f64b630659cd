"""Usage statistics: the database does the summing, stats/hours.py the opening-hours arithmetic.

The number of queries depends on the number of distinct venue time zones (one in practice),
never on the number of occurrences: each figure is one grouped query with conditional
aggregation, one aggregate per month of the period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Sum,
    Value,
    When,
)

from associations.models import Association
from booking.models import CoHost, Occurrence
from venues.models import Closure, Municipality, OpeningHours, Room, Venue

from . import hours as h
from .query import (
    CONFIRMED,
    Scope,
    any_scope,
    as_seconds,
    booked_seconds,
    clipped,
    events_count,
    in_scope,
    overlap,
    scopes_for,
)


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


def _room_booked_seconds(scopes: list[Scope]) -> dict[int, dict[str, float]]:
    """room id -> month -> booked seconds of confirmed occurrences, one query per zone."""
    result: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for scope in scopes:
        if not scope.room_ids:
            continue
        aggregates = {
            f"m{i}": Sum(clipped(start, end), filter=overlap(start, end))
            for i, (_, start, end) in enumerate(scope.months)
        }
        # One column per month, named at run time: read the rows as plain mappings.
        rows: Iterable[Mapping[str, Any]] = (
            Occurrence.objects.filter(
                overlap(scope.start, scope.end),
                status=CONFIRMED,
                room_id__in=scope.room_ids,
            )
            .values("room_id")
            .order_by("room_id")
            .annotate(**aggregates)
        )
        for row in rows:
            for i, (label, _, _) in enumerate(scope.months):
                result[row["room_id"]][label] += as_seconds(row[f"m{i}"])
    return result


def _month_started(scope: Scope):
    """The index of the month a date starts in; one that began before the period, its first.

    A grouping key, so the visits per month ride along in the associations' query instead of
    a filtered sum per month and figure. The CASE is nested as a binary search over the
    month boundaries: a row costs about log2(months) comparisons.
    """

    def pick(first: int, last: int):
        if first == last:
            return Value(first)
        middle = (first + last) // 2
        boundary = scope.months[middle][2]  # the end of month `middle`
        return Case(
            When(start__lt=boundary, then=pick(first, middle)),
            default=pick(middle + 1, last),
            output_field=IntegerField(),
        )

    return ExpressionWrapper(pick(0, len(scope.months) - 1), output_field=IntegerField())


def _month_started_any(scopes: list[Scope]):
    if len(scopes) == 1:  # one time zone, as in practice: no test of which zone a row is in
        return _month_started(scopes[0])
    return Case(
        *[When(in_scope(scope), then=_month_started(scope)) for scope in scopes],
        output_field=IntegerField(),
    )


@dataclass
class Visits:
    """Recorded visits per month (label), each date once: the rooms listed, and the dates held
    elsewhere when all venues are shown."""

    participants: dict[str, int]
    recorded: dict[str, int]


def _association_figures(scopes: list[Scope]) -> tuple[dict[int, dict[str, float]], Visits]:
    """association id -> {"secs", "events", "participants", "recorded"}: as the host, then as
    an accepted co-host (a joint event's visits count for every host, like its hours).

    The hosts' query is grouped by the month a date starts in as well, which also gives the
    visits per month: every date has exactly one host. Like the associations' figures these
    take in events held elsewhere when no venue is chosen: they are visits all the same.
    """
    visits = Visits(defaultdict(int), defaultdict(int))
    labels = [label for label, _, _ in scopes[0].months]
    figures: dict[int, dict[str, float]] = defaultdict(
        lambda: {"secs": 0.0, "events": 0, "hosted": 0, "cohosted": 0, "participants": 0, "recorded": 0}
    )
    hosted = (
        Occurrence.objects.filter(any_scope(scopes))
        .annotate(
            month=_month_started_any(scopes),
            offsite=Case(
                When(room__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
        .values("booking__association_id", "month", "offsite")
        .order_by("booking__association_id", "month", "offsite")
        .annotate(
            events=events_count(),
            booked=booked_seconds(scopes),
            participants=Sum("attendance"),
            recorded=Count("attendance"),
        )
    )
    for row in hosted:
        entry = figures[row["booking__association_id"]]
        entry["participants"] += row["participants"] or 0
        entry["recorded"] += row["recorded"]
        visits.participants[labels[row["month"]]] += row["participants"] or 0
        visits.recorded[labels[row["month"]]] += row["recorded"]
        entry["secs"] += as_seconds(row["booked"])
        entry["events"] += row["events"]
        entry["hosted"] += row["events"]
    # A host listed as its own co-host is still one host: count it once.
    cohosted = (
        CoHost.objects.filter(status=CoHost.Status.ACCEPTED)
        .exclude(association_id=F("booking__association_id"))
        .filter(any_scope(scopes, "booking__occurrences__"))
        .values("association_id")
        .order_by("association_id")
        .annotate(
            events=events_count("booking__occurrences__"),
            booked=booked_seconds(scopes, "booking__occurrences__"),
            participants=Sum("booking__occurrences__attendance"),
            recorded=Count("booking__occurrences__attendance"),
        )
    )
    for cohost in cohosted:
        entry = figures[cohost["association_id"]]
        entry["participants"] += cohost["participants"] or 0
        entry["recorded"] += cohost["recorded"]
        entry["secs"] += as_seconds(cohost["booked"])
        entry["events"] += cohost["events"]
        entry["cohosted"] += cohost["events"]
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
    scopes = scopes_for(start, end, rooms, offsite=venue is None and room is None and municipality is None)
    spans = _open_intervals(start, end, rooms)
    figures, visits = _association_figures(scopes) if scopes else ({}, Visits({}, {}))
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
        open_secs={pk: {m: h.seconds(i) for m, i in months.items()} for pk, months in spans.items()},
        booked_secs=_room_booked_seconds(scopes),
        visits=visits,
        associations=figures,
        association_names=names,
        month_labels=[label for label, _, _ in h.months(start, end)],
    )
