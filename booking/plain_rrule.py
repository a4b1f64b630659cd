"""Recurrence in plain words, both ways: the form's choices to an RFC 5545 rule and back.

Pure: no database. The rule is expanded by booking/recurrence.py in the venue's local time;
this module only speaks the small part of RFC 5545 that the booking form offers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NONE = "none"
WEEKLY = "weekly"
BIWEEKLY = "biweekly"
MONTHLY = "monthly"  # on the same weekday of the month, e.g. the first Thursday
DAILY = "daily"

REPEAT_CHOICES = [
    (NONE, gettext_lazy("Does not repeat")),
    (WEEKLY, gettext_lazy("Every week")),
    (BIWEEKLY, gettext_lazy("Every other week")),
    (MONTHLY, gettext_lazy("Every month on the same weekday (e.g. the first Thursday)")),
    (DAILY, gettext_lazy("Every day")),
]

DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]  # index = date.weekday()
DAY_NAMES = [
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]
ORDINALS = {
    1: gettext_lazy("first"),
    2: gettext_lazy("second"),
    3: gettext_lazy("third"),
    4: gettext_lazy("fourth"),
    -1: gettext_lazy("last"),
}


class PlainRuleError(ValueError):
    """The choices do not make a series; the message is shown next to `field`."""

    def __init__(self, message: str, field: str = "repeat"):
        super().__init__(message)
        self.field = field


@dataclass
class PlainRule:
    """What the booking form asks, the other way round from a stored rule."""

    repeat: str = NONE
    weekdays: list[int] = field(default_factory=list)
    until: date | None = None
    count: int | None = None


def nth_weekday(day: date) -> int:
    """Which weekday of its month a date is: 1–4, or -1 for a fifth one.

    A fifth Thursday does not exist every month, so it is read as "the last Thursday".
    """
    nth = (day.day - 1) // 7 + 1
    return -1 if nth >= 5 else nth


def build(
    *,
    repeat: str,
    start: date,
    weekdays: Sequence[int] = (),
    until: date | None = None,
    count: int | None = None,
) -> str:
    """The RFC 5545 rule for the form's choices; "" for a one-off booking."""
    if repeat == NONE:
        return ""
    if repeat not in (WEEKLY, BIWEEKLY, MONTHLY, DAILY):
        raise PlainRuleError(_("Choose how the booking repeats."))
    if (until is None) == (count is None):
        raise PlainRuleError(_("Say when the series ends: give an end date or a number of times."), "until")
    if count is not None and count < 1:
        raise PlainRuleError(_("The number of times must be at least 1."), "count")
    if until is not None and until < start:
        raise PlainRuleError(_("The series must end on or after its first date."), "until")
    parts: list[str]
    if repeat == DAILY:
        parts = ["FREQ=DAILY"]
    elif repeat == MONTHLY:
        parts = ["FREQ=MONTHLY", f"BYDAY={nth_weekday(start):+d}{DAY_CODES[start.weekday()]}"]
    else:
        parts = ["FREQ=WEEKLY"]
        if repeat == BIWEEKLY:
            parts.append("INTERVAL=2")
        days = sorted(set(weekdays)) or [start.weekday()]
        if days != [start.weekday()]:
            # The first date is always part of the series: it is what the user picked.
            days = sorted({*days, start.weekday()})
            parts.append("BYDAY=" + ",".join(DAY_CODES[d] for d in days))
        # A single weekday equal to the first date's is implied by DTSTART.
    if count is not None:
        parts.append(f"COUNT={count}")
    else:
        parts.append(f"UNTIL={until:%Y%m%d}")
    return ";".join(parts)


def _parts(rule: str) -> dict[str, str]:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts: dict[str, str] = {}
    for chunk in text.split(";"):
        key, _sep, value = chunk.partition("=")
        if key.strip():
            parts[key.strip().upper()] = value.strip().upper()
    return parts


def _until(value: str) -> date | None:
    try:
        return datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError:
        return None


def parse(rule: str, start: date) -> PlainRule | None:
    """The form's choices for a stored rule, or None when the form cannot express it."""
    if not rule.strip():
        return PlainRule()
    parts = _parts(rule)
    freq = parts.pop("FREQ", "")
    interval = parts.pop("INTERVAL", "1")
    byday = parts.pop("BYDAY", "")
    plain = PlainRule()
    if "COUNT" in parts:
        if not (parts["COUNT"].isascii() and parts["COUNT"].isdigit()):
            return None
        plain.count = int(parts.pop("COUNT"))
    if "UNTIL" in parts:
        plain.until = _until(parts.pop("UNTIL"))
        if plain.until is None:
            return None
    parts.pop("WKST", None)
    if parts or (plain.count is None) == (plain.until is None):
        return None
    if freq == "DAILY" and interval == "1" and not byday:
        plain.repeat = DAILY
    elif freq == "WEEKLY" and interval in ("1", "2"):
        plain.repeat = WEEKLY if interval == "1" else BIWEEKLY
        codes = byday.split(",") if byday else [DAY_CODES[start.weekday()]]
        if any(code not in DAY_CODES for code in codes):
            return None
        plain.weekdays = sorted(DAY_CODES.index(code) for code in codes)
    elif freq == "MONTHLY" and interval == "1":
        if byday.lstrip("+") != f"{nth_weekday(start)}{DAY_CODES[start.weekday()]}":
            return None
        plain.repeat = MONTHLY
    else:
        return None
    return plain


def _day_list(days: Sequence[int]) -> str:
    names = [str(DAY_NAMES[d]) for d in days]
    if len(names) == 1:
        return names[0]
    return _("%(days)s and %(last)s") % {"days": ", ".join(names[:-1]), "last": names[-1]}


def describe(rule: str, start: date | None = None) -> str:
    """A rule in plain words, e.g. "Every other week on Monday, 10 times"."""
    if not rule.strip():
        return _("Does not repeat")
    parts = _parts(rule)
    freq = parts.get("FREQ", "")
    interval_text = parts.get("INTERVAL", "1")
    valid = interval_text.isascii() and interval_text.isdigit() and int(interval_text) > 0
    interval = int(interval_text) if valid else 1
    byday = [code for code in parts.get("BYDAY", "").split(",") if code]
    weekly_days = [DAY_CODES.index(c) for c in byday if c in DAY_CODES]
    if not weekly_days and start is not None:
        weekly_days = [start.weekday()]

    if freq == "DAILY":
        text = _("Every day") if interval == 1 else _("Every %(n)d days") % {"n": interval}
    elif freq == "WEEKLY":
        if interval == 1:
            text = (
                _("Every week") if not weekly_days else _("Every %(days)s") % {"days": _day_list(weekly_days)}
            )
        elif interval == 2:
            text = (
                _("Every other week")
                if not weekly_days
                else _("Every other %(days)s") % {"days": _day_list(weekly_days)}
            )
        else:
            text = _("Every %(n)d weeks") % {"n": interval}
            if weekly_days:
                text = _("%(every)s on %(days)s") % {"every": text, "days": _day_list(weekly_days)}
    elif freq == "MONTHLY":
        text = _("Every month") if interval == 1 else _("Every %(n)d months") % {"n": interval}
        if len(byday) == 1 and byday[0][-2:] in DAY_CODES:
            ordinal = byday[0][:-2].lstrip("+")
            try:
                nth = int(ordinal)
            except ValueError:
                nth = 0
            if nth in ORDINALS:
                text = _("%(every)s on the %(nth)s %(day)s") % {
                    "every": text,
                    "nth": ORDINALS[nth],
                    "day": DAY_NAMES[DAY_CODES.index(byday[0][-2:])],
                }
    elif freq == "YEARLY":
        text = _("Every year") if interval == 1 else _("Every %(n)d years") % {"n": interval}
    else:
        return _("Repeats: %(rule)s") % {"rule": rule}

    if parts.get("COUNT", "").isascii() and parts.get("COUNT", "").isdigit():
        count = int(parts["COUNT"])
        if count == 1:
            return _("%(text)s, once") % {"text": text}
        return _("%(text)s, %(n)d times") % {"text": text, "n": count}
    until = _until(parts.get("UNTIL", ""))
    if until is not None:
        return _("%(text)s, until %(date)s") % {"text": text, "date": date_format(until)}
    return text
