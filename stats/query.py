"""The words the statistics queries are written in, shared by selectors.py (the contract's
figures) and report.py (the /stats/ page's extras).

What counts as ONE EVENT is decided here, once: `events_count` — a date of a booking,
however many rooms it uses at once (one booking, one recurrence id). The contract's
`events` ("counts confirmed occurrences") is that count over confirmed dates; the page's
category, audience and co-hosting figures use the same count, so the two never disagree.

What counts as an association's booked HOUR is decided here too: `booked_seconds` sums
every room's row, clipped to the period: room-hours, so a date in two rooms gives its
hours twice. The associations' `booked_hours` (contract) and the page's category and
audience hours use it. A room's own booked hours and utilization are room-hours by
nature and are summed per room in selectors.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Greatest, Least

from booking.models import MAX_DATE_LENGTH, Status
from venues.models import Room

from . import hours as h
from .db import Epoch

CONFIRMED = Status.CONFIRMED


@dataclass
class Scope:
    """The rooms of one time zone, and the period's instants in that zone."""

    tz: ZoneInfo
    room_ids: list[int]
    offsite: bool  # occurrences without a room are read in this zone
    start: datetime
    end: datetime
    months: list[tuple[str, datetime, datetime]]


def scopes_for(start: date, end: date, rooms: list[Room], offsite: bool) -> list[Scope]:
    by_zone: dict[str, list[int]] = defaultdict(list)
    for room in rooms:
        by_zone[room.venue.time_zone].append(room.id)
    if offsite:
        by_zone.setdefault(settings.TIME_ZONE, [])
    scopes = []
    for zone, room_ids in sorted(by_zone.items()):
        tz = ZoneInfo(zone)
        period = h.period_bounds(start, end, tz)
        months = [(label, *h.period_bounds(first, last, tz)) for label, first, last in h.months(start, end)]
        scopes.append(Scope(tz, room_ids, offsite and zone == settings.TIME_ZONE, *period, months))
    return scopes


def field(prefix: str, name: str) -> str:
    return f"{prefix}{name}"


def overlap(start: datetime, end: datetime, prefix: str = "") -> Q:
    # The lower bound on start is implied (no date is longer than MAX_DATE_LENGTH) and lets
    # the database range-scan the start index instead of reading all history before `end`.
    return Q(
        **{
            field(prefix, "start__lt"): end,
            field(prefix, "end__gt"): start,
            field(prefix, "start__gt"): start - MAX_DATE_LENGTH,
        }
    )


def clipped_start(start: datetime, prefix: str = "") -> Epoch:
    return Epoch(Greatest(F(field(prefix, "start")), Value(start)))


def clipped(start: datetime, end: datetime, prefix: str = ""):
    """Seconds of an occurrence inside [start, end) (only meaningful for overlapping rows)."""
    return ExpressionWrapper(
        Epoch(Least(F(field(prefix, "end")), Value(end))) - clipped_start(start, prefix),
        output_field=BigIntegerField(),
    )


def in_scope(scope: Scope, prefix: str = "") -> Q:
    where = Q(**{field(prefix, "room_id__in"): scope.room_ids})
    if scope.offsite:
        where |= Q(**{field(prefix, "room__isnull"): True})
    return where


def in_period(scopes: list[Scope], prefix: str = "") -> Q:
    """Occurrences of any status in the listed rooms (and off-site) overlapping the period."""
    where = Q(pk__in=[])
    for scope in scopes:
        where |= in_scope(scope, prefix) & overlap(scope.start, scope.end, prefix)
    return where


def any_scope(scopes: list[Scope], prefix: str = "") -> Q:
    return Q(**{field(prefix, "status"): CONFIRMED}) & in_period(scopes, prefix)


def clipped_any(scopes: list[Scope], prefix: str = ""):
    return Case(
        *[When(in_scope(s, prefix), then=clipped(s.start, s.end, prefix)) for s in scopes],
        output_field=BigIntegerField(),
    )


def as_seconds(value) -> float:
    """A summed duration from the database (None when no row matched) as float seconds."""
    return float(value or 0)


def events_count(prefix: str = "", filter: Q | None = None) -> Count:
    """ONE EVENT: distinct (booking, date) pairs, so a date held in several rooms at once
    is one event. Every count of events or dates in the statistics is this one: the
    contract's per-association `events`, the page's categories, audiences, joint events,
    co-hosting pairs and cancellations."""
    key = Concat(
        Cast(F("booking_id"), CharField()),
        Value("|"),
        Cast(F(field(prefix, "recurrence_id")), CharField()),
        output_field=CharField(),
    )
    return Count(key, distinct=True, filter=filter)


def booked_seconds(scopes: list[Scope], prefix: str = "") -> Sum:
    """A BOOKED HOUR: every room's row clipped to the period, summed (room-hours).

    To count event-hours instead (a date in two rooms once), change this one expression,
    e.g. to sum only the booking's own room's row of each date.
    """
    return Sum(clipped_any(scopes, prefix))
