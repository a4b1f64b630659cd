"""VTIMEZONE components written the way robust producers write them. Pure: no database.

Why not icalendar's `add_missing_timezones`: it writes each observance as one DTSTART plus
RDATEs and no RRULE, and Mozilla's ical.js (Thunderbird, Nextcloud) drops the DTSTART onset
when RDATEs are present, so a feed reaching into next autumn showed every winter date an
hour early there (issue 12). Here an observance whose onsets follow one yearly pattern in
the whole span (Europe: the last Sunday of March / October) is written as DTSTART + RRULE,
as Outlook, Google and Apple do; when a zone changed its rules inside the span, every onset
is written as a component of its own (a DTSTART and nothing else), which every client reads.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Onset:
    local: datetime  # naive wall-clock time of the change, in the offset before it (RFC 5545 3.6.5)
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool


def _offset(tz: ZoneInfo, instant: datetime) -> timedelta:
    return instant.astimezone(tz).utcoffset() or timedelta(0)


def _onset_at(tz: ZoneInfo, instant: datetime, before: timedelta) -> Onset:
    local = instant.astimezone(tz)
    return Onset(
        local=(instant + before).replace(tzinfo=None),
        offset_from=before,
        offset_to=local.utcoffset() or timedelta(0),
        name=local.tzname() or "",
        daylight=bool(local.dst()),
    )


def onsets(tz: ZoneInfo, first: date, last: date) -> list[Onset]:
    """Every change of UTC offset between the two dates, found by day steps and bisection."""
    found: list[Onset] = []
    day = datetime(first.year, first.month, first.day, tzinfo=UTC)
    end = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)
    current = _offset(tz, day)
    while day < end:
        following = day + timedelta(days=1)
        if _offset(tz, following) != current:
            lo, hi = day, following  # the change lies in (lo, hi]: narrow it to the second
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if _offset(tz, mid) == current:
                    lo = mid
                else:
                    hi = mid
            hi = hi.replace(microsecond=0)
            found.append(_onset_at(tz, hi, current))
            current = _offset(tz, hi)
        day = following
    return found


def _patterns(moment: datetime) -> set[str]:
    """The BYDAY forms that name this day in its month: '-1SU' (last Sunday) and/or '4SU'."""
    weekday = WEEKDAYS[moment.weekday()]
    forms = {f"{(moment.day - 1) // 7 + 1}{weekday}"}
    if moment.day + 7 > calendar.monthrange(moment.year, moment.month)[1]:
        forms.add(f"-1{weekday}")
    return forms


def _yearly_rule(group: list[Onset]) -> str | None:
    """BYMONTH/BYDAY shared by every onset of the group (same time and offsets), or None."""
    first = group[0]
    same = all(
        (o.local.month, o.local.time(), o.offset_from, o.offset_to, o.name)
        == (first.local.month, first.local.time(), first.offset_from, first.offset_to, first.name)
        for o in group
    )
    if not same:
        return None
    years = [o.local.year for o in group]
    if years != list(range(years[0], years[0] + len(years))):
        return None  # a year without this change: the rule no longer holds every year
    common = set.intersection(*(_patterns(o.local) for o in group))
    if not common:
        return None
    # Prefer "last Sunday" where it holds: that is how the EU rule is stated.
    byday = sorted(common, key=lambda f: (not f.startswith("-"), f))[0]
    return f"FREQ=YEARLY;BYMONTH={first.local.month};BYDAY={byday}"


def _observance(onset: Onset, rrule: str | None):
    component = TimezoneDaylight() if onset.daylight else TimezoneStandard()
    component.add("DTSTART", onset.local)
    component.add("TZOFFSETFROM", onset.offset_from)
    component.add("TZOFFSETTO", onset.offset_to)
    if onset.name:
        component.add("TZNAME", onset.name)
    if rrule:
        component.add("RRULE", dict(part.split("=", 1) for part in rrule.split(";")))
    return component


@lru_cache(maxsize=64)
def _plan(key: str, first: date, last: date) -> tuple[tuple[Onset, str | None], ...]:
    """The observances to write: (onset, yearly rule or None). Cached per zone and span."""
    tz = ZoneInfo(key)
    # Start a year early, so the first date lies after an onset of each kind.
    changes = onsets(tz, date(first.year - 1, 1, 1), date(last.year, 12, 31))
    if not changes:
        # A zone without changes: one STANDARD observance from the epoch.
        moment = datetime(first.year, first.month, first.day, tzinfo=UTC)
        offset = _offset(tz, moment)
        return (
            (Onset(datetime(1970, 1, 1), offset, offset, moment.astimezone(tz).tzname() or "", False), None),
        )
    groups: dict[bool, list[Onset]] = {False: [], True: []}
    for onset in changes:
        groups[onset.daylight].append(onset)
    rules = {kind: _yearly_rule(group) if group else None for kind, group in groups.items()}
    if all(rules[kind] or not groups[kind] for kind in groups):
        return tuple((group[0], rules[kind]) for kind, group in groups.items() if group)
    return tuple((onset, None) for onset in changes)


def vtimezone(key: str, first: date, last: date) -> Timezone:
    """The VTIMEZONE of zone `key`, valid for every moment from `first` to `last`."""
    component = Timezone()
    component.add("TZID", key)
    for onset, rule in _plan(key, first, last):
        component.add_component(_observance(onset, rule))
    return component
