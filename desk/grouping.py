"""Pure arithmetic of the desk: conflict sets, seasons, nearest free slots. No database."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from booking.overlap import collides, overlaps

T = TypeVar("T")


@dataclass(frozen=True)
class Span:
    key: Hashable  # the room: only requests for the same room compete
    start: datetime
    end: datetime  # the end plus the room's turnaround buffer


def conflict_sets(items: Iterable[T], span: Callable[[T], Span]) -> list[list[T]]:
    """Group requests that overlap, directly or through a chain, per room; singletons are dropped.

    A sweep over each room's requests sorted by start: a request joins the current set
    when it starts before the set's latest end. Half-open ranges, so back-to-back requests
    do not compete. Sets come out ordered by room, then start.
    """
    by_key: dict[Hashable, list[tuple[Span, int, T]]] = {}
    for index, item in enumerate(items):
        s = span(item)
        by_key.setdefault(s.key, []).append((s, index, item))
    result: list[tuple[datetime, list[T]]] = []
    for rows in by_key.values():
        rows.sort(key=lambda row: (row[0].start, row[0].end, row[1]))
        first = rows[0][0]
        current: list[T] = []
        current_start, current_end = first.start, first.end
        for s, _index, item in rows:
            if current and overlaps(s.start, s.end, current_start, current_end):
                current.append(item)
                current_end = max(current_end, s.end)
                continue
            if len(current) > 1:
                result.append((current_start, current))
            current, current_start, current_end = [item], s.start, s.end
        if len(current) > 1:
            result.append((current_start, current))
    result.sort(key=lambda pair: pair[0])
    return [items for _start, items in result]


def season_bounds(day: date) -> tuple[date, date]:
    """The activity season (August to July) that contains the day: [first day, first day of the next)."""
    year = day.year if day.month >= 8 else day.year - 1
    return date(year, 8, 1), date(year + 1, 8, 1)


def candidate_starts(start: datetime, *, step: timedelta, reach: timedelta) -> list[datetime]:
    """Starts around `start`, nearest first, alternating later and earlier: 0, +step, -step, +2 step..."""
    result = [start]
    n = 1
    while step * n <= reach:
        result.append(start + step * n)
        result.append(start - step * n)
        n += 1
    return result


def first_free(
    candidates: Sequence[datetime],
    length: timedelta,
    busy: Sequence[tuple[datetime, datetime]],
    buffer: timedelta,
    is_allowed: Callable[[datetime, datetime], bool],
) -> datetime | None:
    """The first candidate start whose slot (plus buffer) meets no busy span and passes the room's rules."""
    for start in candidates:
        end = start + length
        if collides(start, end, buffer, busy):
            continue
        if is_allowed(start, end):
            return start
    return None
