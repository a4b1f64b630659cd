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


WISH_TEXT = {
    "unavailable": lambda: _("%(slot)s is already booked, or the house is closed, on every date"),
    "cap": lambda: _("%(slot)s would have gone over the weekly hours one association may have"),
    "too_big": lambda: _("%(slot)s: the room is too small for the group"),
    "closed_hours": lambda: _("%(slot)s is outside the opening hours"),
    "length": lambda: _("%(slot)s is shorter or longer than the room allows"),
    "pinned_elsewhere": lambda: _("the coordinator chose another time instead of %(slot)s"),
    "pinned_refused": lambda: _("the coordinator decided not to grant %(slot)s"),
    "not_reached": lambda: _("%(slot)s was not reached before the time limit"),
}


def _blocked_wishes(application, blockers, applications, wish_reasons=()) -> list[str]:
    """A clause per wish that was not granted: who holds it, or why it could not be."""
    wishes = {w.position: w for w in application.wishes.all()}
    holders = {int(position): app_ids for position, app_ids in blockers}
    reasons = {int(position): code for position, code in wish_reasons}
    sentences = []
    for position in sorted(set(holders) | set(reasons)):
        wish = wishes.get(position)
        if wish is None:
            continue
        slot = slot_text(wish.room, wish.weekday, wish.start, wish.end)
        if position in holders:
            sentences.append(
                _("%(slot)s went to %(holders)s")
                % {"slot": slot, "holders": _holders(holders[position], applications)}
            )
        elif reasons[position] in WISH_TEXT:
            sentences.append(WISH_TEXT[reasons[position]]() % {"slot": slot})
    return sentences


REFUSAL_TEXT = {
    "unavailable": lambda: _(
        "Every date of the wished times is already booked, or the house is closed then."
    ),
    "cap": lambda: _(
        "Your association already has as many weekly hours in this season as one association may have."
    ),
    "pinned_refused": lambda: _("The coordinator decided not to grant this application."),
    "too_big": lambda: _("The group is larger than the wished rooms hold."),
    "closed_hours": lambda: _("The wished times are outside the opening hours."),
    "no_wishes": lambda: _("The application has no wishes."),
    "length": lambda: _("The wished times are shorter or longer than the rooms allow."),
    "not_reached": lambda: _("The solver's time ran out before this application was reached."),
}


def outcome_sentence(outcome, application, applications: Mapping[int, object]) -> str:
    """One plain sentence: what the application got and why not better."""
    if outcome is None:
        return ""
    if outcome.granted:
        got = slot_text(outcome.room, outcome.weekday, outcome.start, outcome.end)
        if outcome.wish == 1:
            return _("You got your first wish, %(slot)s.") % {"slot": got}
        blocked = _blocked_wishes(application, outcome.blockers, applications, outcome.wish_reasons)
        reason = "; ".join(blocked)
        if outcome.wish is None:
            text = _("The coordinator gave you %(slot)s.") % {"slot": got}
        else:
            text = _("You got your %(ordinal)s, %(slot)s.") % {"ordinal": ordinal(outcome.wish), "slot": got}
        return f"{reason[:1].upper()}{reason[1:]}; {text[:1].lower()}{text[1:]}" if reason else text
    if outcome.code in ("taken", "cap", "unavailable") and (outcome.blockers or outcome.wish_reasons):
        blocked = _blocked_wishes(application, outcome.blockers, applications, outcome.wish_reasons)
        if blocked:
            return ngettext(
                "Your wish was taken: %(reasons)s.",
                "None of your wishes was free: %(reasons)s.",
                len(blocked),
            ) % {"reasons": "; ".join(blocked)}
        return _("Your wishes were taken by other groups.")
    text = REFUSAL_TEXT.get(outcome.code)
    return text() if text else _("No wish could be granted.")


def _date(d) -> str:
    return f"{d.day}.{d.month}.{d.year}"


def season_rules(season) -> list[str]:
    """How the season is allocated, in plain words, for its page."""
    from django.utils import timezone

    from booking.models import Audience

    close = timezone.localtime(season.applications_close, season.venue.tz)
    when = f"{_date(close)} {close:%H:%M}"
    rules = [
        _("Apply by %(when)s.") % {"when": when}
        if season.is_accepting()
        else _("Applications closed on %(when)s.") % {"when": when},
        _("The times are weekly, from %(start)s to %(end)s.")
        % {"start": _date(season.start), "end": _date(season.end)},
        _("Give up to five wishes in order. Each application gets at most one time, one of its wishes."),
        _("No two groups get the same room at overlapping times."),
    ]
    if season.priority_audiences:
        labels = dict(Audience.choices)
        names = ", ".join(str(labels.get(a, a)) for a in season.priority_audiences)
        rules.append(_("Groups for these are served first: %(names)s.") % {"names": names})
    rules.append(
        _(
            "Then as many associations as possible get at least one time; then as many applications "
            "as possible; then as many as possible get an earlier wish."
        )
    )
    if season.weekly_cap_minutes:
        hours = season.weekly_cap_minutes / 60
        rules.append(
            _("One association gets at most %(hours)s hours a week.")
            % {"hours": f"{hours:g}".replace(".", ",")}
        )
    rules.append(_("Dates when the house is closed or the room is already booked are left out."))
    return rules
