"""The statistics' figures summed straight from the date rows: the reference the rollup must equal.

stats/selectors.py reads the rollup (stats/rollup.py), which is fast at any size. This module
computes the same room hours and association figures the slow, obvious way, one grouped
query over every date of the period, and is kept for two reasons: the property test
(tests/stats/test_rollup.py) proves the rollup equal to it over random bookings,
cancellations, multi-room and joint events, and `manage.py stats_rollup --verify` compares
the two on a live database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from django.db.models import Case, Count, ExpressionWrapper, F, IntegerField, Sum, Value, When

from booking.models import CoHost, Occurrence

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
)
from .selectors import Usage, Visits


def room_booked_seconds(scopes: list[Scope]) -> dict[int, dict[str, float]]:
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


def association_figures(scopes: list[Scope]) -> tuple[dict[int, dict[str, float]], Visits]:
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


def as_contract(figures: Usage) -> dict:
    """The contract's figures for the same period and scope, summed from the date rows."""
    if not figures.scopes:
        return figures.as_contract()
    associations, visits = association_figures(figures.scopes)
    booked = room_booked_seconds(figures.scopes)
    return replace(figures, associations=associations, visits=visits, booked_secs=booked).as_contract()
