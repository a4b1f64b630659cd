"""How one date is spread over local days for the statistics rollup: pure, no database.

The rollup (stats/rollup.py) keeps each room's confirmed dates summed per local day. Two
kinds of figure are summed there:

- seconds, clipped to each day the date touches: summing the days of a period gives the
  date's seconds clipped to the period, because a period is whole local days;
- counts (events, participants, recorded counts), which a period must take once for every
  date that overlaps it. A count is filed under the day the date STARTS on; a date that
  began earlier and is still going at a day's first instant is also filed as CARRIED into
  that day. A period's count is then "started on any of its days" plus "carried into its
  first day": each overlapping date exactly once, however many days it spans.

Seconds are differences of whole epoch seconds (floored), as the statistics' database
expressions compute them (stats/db.py Epoch), so the rollup and the date rows agree to the
second.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .hours import day_bounds


@dataclass(frozen=True)
class DayShare:
    day: date
    seconds: int
    started: bool  # the date starts on this day
    carried: bool  # the date began on an earlier day and is going at this day's first instant


def epoch(moment: datetime) -> int:
    return math.floor(moment.timestamp())


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def days_touched(start: datetime, end: datetime, tz: ZoneInfo) -> Iterator[date]:
    """Every local day [start, end) has an instant in (the first is the day it starts on)."""
    day = local_day(start, tz)
    while True:
        yield day
        day += timedelta(days=1)
        if day_bounds(day, tz)[0] >= end:
            return


def shares(start: datetime, end: datetime, tz: ZoneInfo) -> list[DayShare]:
    """The date [start, end) day by day in zone tz."""
    result = []
    for day in days_touched(start, end, tz):
        first, following = day_bounds(day, tz)
        seconds = epoch(min(end, following)) - epoch(max(start, first))
        result.append(DayShare(day, seconds, started=start >= first, carried=start < first))
    return result


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class PeriodParts:
    """A period of whole local days as the rollup reads it: whole months from the monthly
    rows, the days at either end that do not fill a month from the daily rows."""

    months: tuple[date, date] | None  # first days of the first and last whole month
    days: tuple[tuple[date, date], ...]  # inclusive day ranges outside the whole months


def period_parts(start: date, end: date) -> PeriodParts:
    first_whole = start if start.day == 1 else next_month(start)
    following_end = end + timedelta(days=1)
    last_whole_end = following_end if following_end.day == 1 else month_of(following_end)
    if first_whole >= last_whole_end:  # no whole month inside
        return PeriodParts(None, ((start, end),))
    days = []
    if start < first_whole:
        days.append((start, first_whole - timedelta(days=1)))
    if last_whole_end < following_end:
        days.append((last_whole_end, end))
    last_whole = month_of(last_whole_end - timedelta(days=1))
    return PeriodParts((first_whole, last_whole), tuple(days))
