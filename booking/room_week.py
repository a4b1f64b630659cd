"""A room's week as an hour-by-day grid of free, busy and closed. Pure: no database.

Cells are whole local hours in the venue's zone; a booking covers every hour it touches.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .overlap import overlaps
from .recurrence import Slot, localize
from .rules import RoomRules, within_opening_hours

DEFAULT_HOURS = (8, 22)


@dataclass(frozen=True)
class Entry:
    start: datetime  # aware
    end: datetime
    label: str
    kind: str  # "own", "public" or "reserved"
    pending: bool = False
    url: str = ""


@dataclass
class Cell:
    day: date
    hour: int
    start: datetime  # local, aware
    state: str  # "free", "busy", "closed" or "past"
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Week:
    days: list[date]
    hours: list[int]
    rows: list[tuple[int, list[Cell]]]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def hour_range(rules: RoomRules) -> tuple[int, int]:
    """First and last+1 hour to show: the room's opening hours, else 08–22."""
    if not rules.hours:
        return DEFAULT_HOURS
    first = min(h.opens.hour for h in rules.hours)
    last = max(math.ceil(h.closes.hour + h.closes.minute / 60) for h in rules.hours)
    return first, max(last, first + 1)


def build_week(*, monday: date, rules: RoomRules, entries: Sequence[Entry], now: datetime) -> Week:
    tz = rules.tz
    days = [monday + timedelta(days=i) for i in range(7)]
    first, last = hour_range(rules)
    hours = list(range(first, last))
    rows = []
    for hour in hours:
        cells = []
        for day in days:
            start = localize(datetime.combine(day, time(hour)), tz)
            end = localize(datetime.combine(day, time(hour)) + timedelta(hours=1), tz)
            inside = [e for e in entries if overlaps(start, end, e.start, e.end)]
            closed = not within_opening_hours(Slot(start, end), rules) or any(
                overlaps(start, end, c.start, c.end) for c in rules.closures
            )
            if inside:
                state = "busy"
            elif closed:
                state = "closed"
            elif start < now:
                state = "past"
            else:
                state = "free"
            cells.append(Cell(day=day, hour=hour, start=start, state=state, entries=inside))
        rows.append((hour, cells))
    return Week(days=days, hours=hours, rows=rows)
