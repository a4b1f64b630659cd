"""RFC 5545 recurrence expansion in a venue's local time. Pure: no database.

A series is expanded on naive local wall-clock times and only then placed in the
venue's zone, so a weekly 18:00 stays at 18:00 across daylight-saving changes.
"""

from __future__ import annotations

import re
import time as _clock
import types
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule as _du_rrule
from dateutil.rrule import rrulestr

# Django's gettext only: the messages reach people (forms, the API) in their own language.
from django.utils.translation import gettext as _

ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
# Parts that would repeat more often than once a day, or that we cannot honour.
FORBIDDEN_PARTS = {"BYHOUR", "BYMINUTE", "BYSECOND"}
MAX_OCCURRENCES = 500
# How far ahead a rule's dates are looked for (see local_dates).
HORIZON_YEARS = 50
# CPU seconds one expansion may spend looking for dates (the contract: 5 s a request).
TIME_BUDGET = 1.0


class RecurrenceError(ValueError):
    """The rule is not one we accept; the message is shown to the user."""


@dataclass(frozen=True)
class Slot:
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC


def localize(naive: datetime, tz: ZoneInfo) -> datetime:
    """Attach a zone to a wall-clock time and normalise it through UTC.

    DST decisions (PEP 495 fold=0, tested in tests/booking/test_recurrence.py):
    - a time that does not exist (spring forward, e.g. 03:30 on 2026-03-29 in
      Helsinki) is read with the offset before the change, so it lands one hour
      later on the wall clock (04:30): the booking keeps its length and still happens;
      a series begun there keeps the wall-clock time its first date really starts at;
    - a time that happens twice (fall back, 03:30 on 2026-10-25) means the first
      of the two, the earlier instant.
    """
    aware = naive.replace(tzinfo=tz, fold=0)
    return aware.astimezone(UTC).astimezone(tz)


def parse_rule(text: str) -> dict[str, str]:
    text = text.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text or "\n" in text:
        raise RecurrenceError(_("Give one RRULE line, e.g. FREQ=WEEKLY;COUNT=10."))
    parts: dict[str, str] = {}
    for chunk in text.split(";"):
        if not chunk:
            continue
        key, sep, value = chunk.partition("=")
        if not sep or not value:
            raise RecurrenceError(_("'%(part)s' is not of the form NAME=VALUE.") % {"part": chunk})
        key = key.strip().upper()
        if key in parts:
            raise RecurrenceError(_("%(name)s is given twice.") % {"name": key})
        parts[key] = value.strip().upper()
    return parts


def _until_local(value: str, tz: ZoneInfo) -> datetime:
    """UNTIL as a naive local wall-clock time; a bare date includes that whole day."""
    if re.fullmatch(r"\d{8}", value):
        day = datetime.strptime(value, "%Y%m%d")
        return datetime.combine(day.date(), time(23, 59, 59))
    match = re.fullmatch(r"(\d{8}T\d{6})(Z?)", value)
    if not match:
        raise RecurrenceError(_("UNTIL must be a date (20260531) or a time (20260531T235959Z)."))
    moment = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S")
    if match.group(2):
        return moment.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)
    return moment


def until_instant(value: str, tz: ZoneInfo) -> datetime:
    """UNTIL as an aware UTC instant, as RFC 5545 wants it beside a DTSTART with TZID."""
    return localize(_until_local(value, tz), tz).astimezone(UTC)


def canonical_rule(rule: str, tz: ZoneInfo) -> str:
    """The rule as stored and returned: UNTIL as a UTC date-time (RFC 5545 3.3.10).

    Beside a timed DTSTART with a zone, UNTIL must be a UTC date-time; a bare date
    (UNTIL=20270525) means the end of that local day, so it is stored as the UTC instant
    of 23:59:59 there (20270525T205959Z in Helsinki), and a floating local time likewise.
    Nothing else in the rule changes. A rule that cannot be read is returned unchanged.
    """
    text = rule.strip()
    if not text:
        return ""
    try:
        parts = parse_rule(text)
        if "UNTIL" not in parts or re.fullmatch(r"\d{8}T\d{6}Z", parts["UNTIL"]):
            return text
        until = until_instant(parts["UNTIL"], tz).strftime("%Y%m%dT%H%M%SZ")
    except RecurrenceError:
        return text
    chunks = []
    for chunk in text.removeprefix("RRULE:").removeprefix("rrule:").split(";"):
        key = chunk.partition("=")[0].strip().upper()
        chunks.append(f"UNTIL={until}" if key == "UNTIL" else chunk)
    return ";".join(chunks)


def local_dates(rule: str, local_start: datetime, tz: ZoneInfo) -> Iterator[datetime]:
    """The naive wall-clock dates `rule` generates from the naive `local_start`.

    Bounded (see `_BoundedRule`): the search ends `HORIZON_YEARS` after the start or after
    `TIME_BUDGET` seconds, whichever comes first, and the dates found by then are all.
    """
    parts = parse_rule(rule)
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_local(parts["UNTIL"], tz).strftime("%Y%m%dT%H%M%S")
    text = ";".join(f"{k}={v}" for k, v in parts.items())
    try:
        parsed = rrulestr(text, dtstart=local_start)
        bounded = _BoundedRule.of(parsed, horizon_year=local_start.year + HORIZON_YEARS)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
        raise RecurrenceError(_("The recurrence rule is not valid: %(reason)s") % {"reason": exc}) from None
    return _dates(bounded)


def _dates(rule: _BoundedRule) -> Iterator[datetime]:
    iterator = rule._iter()
    while True:
        try:
            yield next(iterator)
        except (StopIteration, _HorizonReached):
            return
        except (ValueError, OverflowError) as exc:  # e.g. a date past the year 9999
            raise RecurrenceError(
                _("The recurrence rule is not valid: %(reason)s") % {"reason": exc}
            ) from None


class _HorizonReached(Exception):
    pass


class _BoundedInfo(_du_rrule._iterinfo):
    # dateutil calls rebuild() at least once a month of the search, matches or not.
    def rebuild(self, year, month):
        rule = self.rrule
        if year > rule.horizon_year or _clock.monotonic() > rule.deadline:
            raise _HorizonReached
        return super().rebuild(year, month)


class _BoundedRule(_du_rrule.rrule):
    """dateutil's rrule with an end to its search.

    dateutil looks for matches until the year 9999 and checks UNTIL only on a match, so a
    rule that never matches (FREQ=DAILY;BYSETPOS=2, BYMONTH=2;BYMONTHDAY=30) cost 5-10 s
    of CPU per request. Its search loop (`rrule._iter`) is reused unchanged with one name
    rebound, `_iterinfo`, whose `rebuild()` stops the search at the horizon or deadline.
    """

    horizon_year: int = 9999
    deadline: float = float("inf")

    _iter = types.FunctionType(
        _du_rrule.rrule._iter.__code__,
        {**vars(_du_rrule), "_iterinfo": _BoundedInfo},
        "_iter",
    )

    @classmethod
    def of(cls, parsed: _du_rrule.rrule, *, horizon_year: int) -> _BoundedRule:
        kwargs = {
            "interval": parsed._interval,
            "count": parsed._count,
            "dtstart": parsed._dtstart,
            "freq": parsed._freq,
            "until": parsed._until,
            "wkst": parsed._wkst,
            **parsed._original_rule,
        }
        bounded = cls(**kwargs)
        bounded.horizon_year = min(horizon_year, 9999)
        bounded.deadline = _clock.monotonic() + TIME_BUDGET
        return bounded


def _whole(text: str) -> bool:
    # str.isdigit() also accepts "²" and other Unicode digits that int() refuses.
    return text.isascii() and text.isdigit()


def expand(
    rule: str, start: datetime, end: datetime, tz: ZoneInfo, max_count: int = MAX_OCCURRENCES
) -> list[Slot]:
    """All dates of a booking. `start` and `end` are aware; an empty rule means one date."""
    if end <= start:
        raise RecurrenceError(_("The end must be after the start."))
    if not rule.strip():
        return [Slot(start.astimezone(UTC), end.astimezone(UTC))]

    parts = parse_rule(rule)
    freq = parts.get("FREQ")
    if freq not in ALLOWED_FREQUENCIES:
        raise RecurrenceError(_("A series repeats DAILY, WEEKLY, MONTHLY or YEARLY."))
    forbidden = FORBIDDEN_PARTS & parts.keys()
    if forbidden:
        raise RecurrenceError(
            _("%(names)s is not allowed: at most one date a day.") % {"names": ", ".join(sorted(forbidden))}
        )
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise RecurrenceError(_("A series must end: give COUNT or UNTIL."))
    if "COUNT" in parts and "UNTIL" in parts:
        raise RecurrenceError(_("Give COUNT or UNTIL, not both."))
    if "COUNT" in parts:
        if not _whole(parts["COUNT"]) or int(parts["COUNT"]) < 1:
            raise RecurrenceError(_("COUNT must be a positive whole number."))
        if int(parts["COUNT"]) > max_count:
            raise RecurrenceError(_("A series may have at most %(count)d dates.") % {"count": max_count})
    interval = parts.get("INTERVAL", "1")
    if not _whole(interval) or int(interval) < 1:
        raise RecurrenceError(_("INTERVAL must be a positive whole number."))

    local_start = start.astimezone(tz).replace(tzinfo=None)
    local_end = end.astimezone(tz).replace(tzinfo=None)
    # The wall-clock length is kept on every date: 18:00–20:00 stays 18:00–20:00.
    wall_length = local_end - local_start
    dates = local_dates(rule, local_start, tz)

    slots: list[Slot] = []
    for naive in dates:
        if len(slots) >= max_count:
            raise RecurrenceError(_("A series may have at most %(count)d dates.") % {"count": max_count})
        slot_start = localize(naive, tz)
        slot_end = localize(naive + wall_length, tz)
        if slot_end <= slot_start:
            # A start inside the spring gap moves an hour on while an end just after the gap
            # does not: keep the date's length instead of ending before it starts.
            slot_end = slot_start + wall_length
        slots.append(Slot(slot_start.astimezone(UTC), slot_end.astimezone(UTC)))
    if not slots:
        raise RecurrenceError(
            _("The rule gives no dates in the %(years)d years after the start.") % {"years": HORIZON_YEARS}
        )
    if "COUNT" in parts and len(slots) < int(parts["COUNT"]):
        raise RecurrenceError(
            _("The rule gives only %(found)d of its %(count)s dates in the %(years)d years after the start.")
            % {"found": len(slots), "count": parts["COUNT"], "years": HORIZON_YEARS}
        )
    return slots


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where a local calendar day starts and ends (23 or 25 h on DST days)."""
    start = localize(datetime.combine(day, time.min), tz)
    end = localize(datetime.combine(day + timedelta(days=1), time.min), tz)
    return start.astimezone(UTC), end.astimezone(UTC)
