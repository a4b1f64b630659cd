"""Plain sentences about a proposal: why an application got a later wish, or nothing.

The solver gives codes and the applications that held a wish; these turn them into one
sentence a volunteer understands, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from venues.models import Weekday

ORDINALS = {
    1: lambda: _("first wish"),
    2: lambda: _("second wish"),
    3: lambda: _("third wish"),
    4: lambda: _("fourth wish"),
    5: lambda: _("fifth wish"),
}


def weekday_name(iso_weekday: int) -> str:
    return str(Weekday(iso_weekday - 1).label)


def hhmm(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def slot_text(room, weekday: int, start: time, end: time) -> str:
    name = getattr(room, "name", room)
    return _("%(weekday)s %(start)s–%(end)s in %(room)s") % {
        "weekday": weekday_name(weekday),
        "start": hhmm(start),
        "end": hhmm(end),
        "room": name,
    }


def ordinal(position: int | None) -> str:
    if position in ORDINALS:
        return ORDINALS[position]()
    return _("a time the coordinator chose")


def _holders(app_ids, applications: Mapping[int, object]) -> str:
    """Names of the associations holding a slot; 'who had no other wish' where that is so."""
    parts = []
    for app_id in app_ids:
        other = applications.get(app_id)
        if other is None:
            continue
        name = other.association.name
        if len(other.wishes.all()) == 1:
            name = _("%(name)s, who had no other wish") % {"name": name}
        parts.append(name)
    return ", ".join(dict.fromkeys(parts)) or _("another group")


def _blocked_wishes(application, blockers, applications) -> list[str]:
    wishes = {w.position: w for w in application.wishes.all()}
    sentences = []
    for position, app_ids in blockers:
        wish = wishes.get(position)
        if wish is None:
            continue
        sentences.append(
            _("%(slot)s went to %(holders)s")
            % {"slot": slot_text(wish.room, wish.weekday, wish.start, wish.end), "holders": _holders(app_ids, applications)}
        )
    return sentences


REFUSAL_TEXT = {
    "unavailable": lambda: _("Every date of the wished times is already booked, or the house is closed then."),
    "cap": lambda: _("Your association already has as many weekly hours in this season as one association may have."),
    "pinned_refused": lambda: _("The coordinator decided not to grant this application."),
    "too_big": lambda: _("The group is larger than the wished rooms hold."),
    "closed_hours": lambda: _("The wished times are outside the opening hours."),
    "no_wishes": lambda: _("The application has no wishes."),
}


def outcome_sentence(outcome, application, applications: Mapping[int, object]) -> str:
    """One plain sentence: what the application got and why not better."""
    if outcome is None:
        return ""
    if outcome.granted:
        got = slot_text(outcome.room, outcome.weekday, outcome.start, outcome.end)
        if outcome.wish == 1:
            return _("You got your first wish, %(slot)s.") % {"slot": got}
        blocked = _blocked_wishes(application, outcome.blockers, applications)
        reason = "; ".join(blocked)
        if outcome.wish is None:
            text = _("The coordinator gave you %(slot)s.") % {"slot": got}
        else:
            text = _("You got your %(ordinal)s, %(slot)s.") % {"ordinal": ordinal(outcome.wish), "slot": got}
        return f"{reason[:1].upper()}{reason[1:]}; {text[:1].lower()}{text[1:]}" if reason else text
    if outcome.code == "taken":
        blocked = _blocked_wishes(application, outcome.blockers, applications)
        if blocked:
            return ngettext(
                "Your wish was taken: %(reasons)s.", "None of your wishes was free: %(reasons)s.", len(blocked)
            ) % {"reasons": "; ".join(blocked)}
        return _("Your wishes were taken by other groups.")
    text = REFUSAL_TEXT.get(outcome.code)
    return text() if text else _("No wish could be granted.")
