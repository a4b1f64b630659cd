"""Opening-hours arithmetic for the usage statistics: pure functions, no database.

Everything is half-open UTC intervals [start, end). Local wall-clock times become instants
with PEP 495 fold=0, as booking/recurrence.py does: a time that does not exist (spring
forward) is read with the offset before the change, a time that happens twice (fall back)
means the earlier instant. Durations are then real elapsed time between the instants, so
08:00-22:00 is 14 h on every day (the change happens at 03:00/04:00, outside it), while a
whole local day is 23 h on the last Sunday of March and 25 h on the last Sunday of October.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]
# weekday (Monday 0) -> opening spans of that day; None means "no opening hours set".
WeeklyHours = Mapping[int, Sequence[tuple[time, time]]]


def instant(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time (fold=0, see the module docstring)."""
    return datetime.combine(day, wall).replace(tzinfo=tz, fold=0).astimezone(UTC)


def day_bounds(day: date, tz: ZoneInfo) -> Interval:
    return instant(day, time(0), tz), instant(day + timedelta(days=1), time(0), tz)


def period_bounds(start: date, end: date, tz: ZoneInfo) -> Interval:
    """From local midnight starting `start` to local midnight ending `end` (both days included)."""
    return instant(start, time(0), tz), instant(end + timedelta(days=1), time(0), tz)


def month_label(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months(start: date, end: date) -> list[tuple[str, date, date]]:
    """(label, first day, last day) of every calendar month the range touches, clipped to it."""
    result = []
    first = start
    while first <= end:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        last = min(end, following - timedelta(days=1))
        result.append((month_label(first), first, last))
        first = following
    return result


def union(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping intervals covering the same instants (closures may overlap)."""
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract(intervals: Iterable[Interval], holes: Iterable[Interval]) -> list[Interval]:
    """The parts of `intervals` outside every hole; both sides are unioned first."""
    holes = union(holes)
    result: list[Interval] = []
    h = 0
    for start, end in union(intervals):
        while h < len(holes) and holes[h][1] <= start:
            h += 1
        cursor = start
        j = h
        while j < len(holes) and holes[j][0] < end:
            if holes[j][0] > cursor:
                result.append((cursor, holes[j][0]))
            cursor = max(cursor, holes[j][1])
            j += 1
        if cursor < end:
            result.append((cursor, end))
    return result


def seconds(intervals: Iterable[Interval]) -> float:
    return sum((end - start).total_seconds() for start, end in intervals)


def opening_intervals(start: date, end: date, tz: ZoneInfo, weekly: WeeklyHours | None) -> list[Interval]:
    """Every opening span from `start` to `end` (both included) as UTC intervals.

    `weekly` None means no opening hours are set at all: the room counts as open around
    the clock, the same rule the booking service applies (booking/rules.py).
    """
    spans: list[Interval] = []
    day = start
    while day <= end:
        if weekly is None:
            spans.append(day_bounds(day, tz))
        else:
            for opens, closes in weekly.get(day.weekday(), ()):
                spans.append((instant(day, opens, tz), instant(day, closes, tz)))
        day += timedelta(days=1)
    return union(spans)


def open_intervals_by_month(
    start: date,
    end: date,
    tz: ZoneInfo,
    weekly: WeeklyHours | None,
    closures: Iterable[Interval],
    memo: dict | None = None,
) -> dict[str, list[Interval]]:
    """Open spans, less the union of the closures, per local calendar month of the range.

    `memo` (any dict) shares the opening spans between rooms with the same week, e.g. all
    the rooms that follow their venue's hours. The answer may be shared: do not change it.
    """
    closures = union(closures)
    memo = {} if memo is None else memo
    key = (
        start,
        end,
        str(tz),
        None if weekly is None else tuple(sorted((d, tuple(v)) for d, v in weekly.items())),
    )
    if key not in memo:
        memo[key] = [
            (label, opening_intervals(first, last, tz, weekly)) for label, first, last in months(start, end)
        ]
    # Rooms with the same week and the same closures (most rooms: none) share one answer:
    # a national installation has thousands of rooms but a handful of distinct weeks.
    full_key = (key, tuple(closures))
    if full_key not in memo:
        memo[full_key] = {
            label: subtract(spans, closures) if closures else spans for label, spans in memo[key]
        }
    return memo[full_key]


def open_seconds_by_month(
    start: date, end: date, tz: ZoneInfo, weekly: WeeklyHours | None, closures: Iterable[Interval]
) -> dict[str, float]:
    return {
        label: seconds(spans)
        for label, spans in open_intervals_by_month(start, end, tz, weekly, closures).items()
    }


def week_minute(moment: datetime, tz: ZoneInfo) -> int:
    """Minutes since the local Monday 00:00 of the week `moment` falls in."""
    local = moment.astimezone(tz)
    return local.weekday() * 24 * 60 + local.hour * 60 + local.minute


def by_week_hour(intervals: Iterable[Interval], tz: ZoneInfo) -> list[float]:
    """Seconds per local (weekday, hour) cell, index weekday * 24 + hour.

    Elapsed time is laid on the wall clock from the local start, so a span crossing a
    DST change lands one hour off in the cells after it; the totals stay exact.
    """
    # Opening hours repeat every week: split each distinct (start, length) only once.
    repeats = Counter((week_minute(start, tz), (end - start).total_seconds()) for start, end in intervals)
    cells = [0.0] * 168
    for (minute, length), times in repeats.items():
        for cell, secs in split_by_hour(minute, length):
            cells[cell] += secs * times
    return cells


def hours(secs: float) -> float:
    """Hours as the API shows them: 2 decimals."""
    return round(secs / 3600, 2)


def utilization(booked_secs: float, open_secs: float) -> float:
    """booked / open to 4 decimals; 0 when the room was never open (no division by zero)."""
    if open_secs <= 0:
        return 0.0
    return round(booked_secs / open_secs, 4)


def split_by_hour(start_minute: int, duration_secs: float) -> list[tuple[int, float]]:
    """Spread a span starting `start_minute` minutes into the week (Monday 00:00 = 0) over
    (hour of the week 0..167, seconds) buckets, wrapping from Sunday night to Monday."""
    result: list[tuple[int, float]] = []
    position = start_minute * 60.0
    remaining = duration_secs
    week = 7 * 24 * 3600
    while remaining > 0:
        bucket = int(position // 3600) % 168
        room_in_bucket = 3600 - (position % 3600)
        take = min(room_in_bucket, remaining)
        result.append((bucket, take))
        remaining -= take
        position = (position + take) % week
    return result


def utc_offsets(start: datetime, end: datetime, tz: ZoneInfo) -> list[tuple[datetime, int]]:
    """The zone's UTC offsets in seconds over [start, end): [(from, offset), ...], the first
    `from` being `start`. Found day by day, then narrowed to the second of each change."""

    def offset(moment: datetime) -> int:
        shift = moment.astimezone(tz).utcoffset()
        assert shift is not None  # an aware datetime in a ZoneInfo always has an offset
        return int(shift.total_seconds())

    changes = [(start, offset(start))]
    day = start
    while day < end:
        following = min(day + timedelta(days=1), end)
        if offset(following) != changes[-1][1]:
            low, high = day, following  # offset(low) is the old one, offset(high) the new
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if offset(middle) == changes[-1][1]:
                    low = middle
                else:
                    high = middle
            changes.append((high.replace(microsecond=0), offset(high)))
        day = following
    return changes
