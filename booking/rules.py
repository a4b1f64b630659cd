"""The rules a room sets for a booking: opening hours, closures, length, horizon.

Pure functions over plain values; booking/services.py loads the rows once per request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from .overlap import overlaps
from .recurrence import Slot, localize


@dataclass(frozen=True)
class Hours:
    weekday: int
    opens: time
    closes: time


@dataclass(frozen=True)
class ClosedSpan:
    start: datetime
    end: datetime
    reason: str


@dataclass(frozen=True)
class RoomRules:
    tz: ZoneInfo
    hours: Sequence[Hours]  # empty: no opening hours set, the room is always open
    closures: Sequence[ClosedSpan]
    min_minutes: int
    max_minutes: int
    horizon_days: int


def fmt(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def within_opening_hours(slot: Slot, rules: RoomRules) -> bool:
    if not rules.hours:
        return True
    local_start = slot.start.astimezone(rules.tz)
    day = local_start.date()
    for hours in rules.hours:
        if hours.weekday != day.weekday():
            continue
        opens = localize(datetime.combine(day, hours.opens), rules.tz)
        closes = localize(datetime.combine(day, hours.closes), rules.tz)
        if opens <= slot.start and slot.end <= closes:
            return True
    return False


def rule_violations(slots: Iterable[Slot], rules: RoomRules, now: datetime) -> dict[str, list[str]]:
    """Messages per request field for every date that breaks a rule of the room."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        if message not in errors.setdefault(field, []):
            errors[field].append(message)

    horizon = now + timedelta(days=rules.horizon_days)
    for index, slot in enumerate(slots):
        minutes = (slot.end - slot.start).total_seconds() / 60
        when = fmt(slot.start, rules.tz)
        if minutes < rules.min_minutes:
            add("end", _("A booking of this room lasts at least %(n)d minutes.") % {"n": rules.min_minutes})
        if minutes > rules.max_minutes:
            add("end", _("A booking of this room lasts at most %(n)d minutes.") % {"n": rules.max_minutes})
        if slot.start < now:
            add("start", _("%(when)s is in the past.") % {"when": when})
        if slot.start > horizon:
            add(
                "rrule" if index else "start",
                _("%(when)s is too far ahead: this room takes bookings %(days)d days ahead.")
                % {"when": when, "days": rules.horizon_days},
            )
        if not within_opening_hours(slot, rules):
            add("start", _("%(when)s is outside the opening hours.") % {"when": when})
        for closed in rules.closures:
            if overlaps(slot.start, slot.end, closed.start, closed.end):
                add(
                    "start",
                    _("%(when)s: the room is closed (%(reason)s).") % {"when": when, "reason": closed.reason},
                )
    return errors
