"""Writes on seasons: open one, apply, allocate, pin, publish.

The web pages and the API call these; each takes the acting user, checks who may act
before anything else (CONTRACT: 403 before 400), and runs in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association
from associations.permissions import may_coordinate
from audit.services import audit
from booking import services as booking_services
from booking.models import Audience, Category
from booking.permissions import may_book_for
from booking.recurrence import localize
from venues.models import Room, Venue

from . import allocation, notifications
from .models import MAX_WISHES, Application, Outcome, Pin, Season, Wish
from .problem import build_problem, room_open_hours
from .wording import slot_text

log = logging.getLogger(__name__)

# Bounds every loop over a season's dates (and keeps them inside the calendar's range).
MAX_SEASON_DAYS = 731


@dataclass(frozen=True)
class WishInput:
    room: Room
    weekday: int  # ISO, 1 = Monday
    start: time
    end: time


def _audit(actor, action: str, *, association=None, message: str = "", **data) -> None:
    audit(actor, action, association=association, message=message, **data)


# --- seasons ------------------------------------------------------------------------


def season_create(
    *,
    actor,
    name: str,
    venue: Venue,
    rooms: Sequence[Room],
    start: date,
    end: date,
    applications_close: datetime,
    weekly_cap_minutes: int | None = None,
    priority_audiences: Iterable[str] = (),
) -> Season:
    if not may_coordinate(actor, venue.pk):
        raise PermissionDenied(_("Only coordinators open seasons."))
    errors: dict[str, list[str]] = {}
    rooms = list({r.pk: r for r in rooms}.values())
    if not name.strip():
        errors["name"] = [_("Give the season a name.")]
    if not rooms:
        errors["rooms"] = [_("Choose at least one room.")]
    for room in rooms:
        if room.venue_id != venue.pk:
            errors.setdefault("rooms", []).append(_("%(room)s is in another house.") % {"room": room.name})
        elif not room.is_active:
            errors.setdefault("rooms", []).append(_("%(room)s does not take bookings.") % {"room": room.name})
    if end < start:
        errors["end"] = [_("The last date cannot be before the first date.")]
    elif (end - start).days > MAX_SEASON_DAYS:
        errors["end"] = [_("A season lasts at most two years.")]
    today = timezone.localtime(timezone.now(), venue.tz).date()
    for room in rooms:
        if end > today + timedelta(days=min(room.booking_horizon_days, MAX_SEASON_DAYS * 5)):
            errors.setdefault("end", []).append(
                _("%(room)s takes bookings only %(days)d days ahead: the season must end by %(date)s.")
                % {
                    "room": room.name,
                    "days": room.booking_horizon_days,
                    "date": (
                        today + timedelta(days=min(room.booking_horizon_days, MAX_SEASON_DAYS * 5))
                    ).strftime("%d.%m.%Y"),
                }
            )
    if weekly_cap_minutes is not None and weekly_cap_minutes < 1:
        errors["weekly_cap_minutes"] = [_("The weekly limit must be more than zero.")]
    audiences = [a for a in dict.fromkeys(priority_audiences)]
    unknown = [a for a in audiences if a not in Audience.values]
    if unknown:
        errors["priority_audiences"] = [_("Unknown audience: %(value)s") % {"value": ", ".join(unknown)}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        season = Season.objects.create(
            name=name.strip(),
            venue=venue,
            start=start,
            end=end,
            applications_close=applications_close,
            weekly_cap_minutes=weekly_cap_minutes,
            priority_audiences=audiences,
            created_by=actor,
        )
        season.rooms.set(rooms)
        _audit(actor, "season.created", season=season.pk, name=season.name)
    return season


# --- applications -------------------------------------------------------------------


def _check_may_apply(actor, association: Association, season: Season) -> None:
    # A coordinator applies (a paper application) only in the venues they coordinate.
    if not may_book_for(actor, association, venue_id=season.venue_id):
        raise PermissionDenied(_("You may not apply for this association."))


def _check_accepting(season: Season) -> None:
    if not season.is_accepting():
        local = timezone.localtime(season.applications_close, season.venue.tz)
        raise ValidationError(
            {"detail": [_("Applications closed on %(when)s.") % {"when": local.strftime("%d.%m.%Y %H:%M")}]}
        )


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def wish_errors(season: Season, wishes: Sequence[WishInput], group_size: int) -> dict[str, list[str]]:
    """Every rule a set of wishes breaks, in plain words (CONTRACT "Seasons")."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        if message not in errors.setdefault(name, []):
            errors[name].append(message)

    if not wishes:
        add("wishes", _("Give at least one wish."))
    if len(wishes) > MAX_WISHES:
        add("wishes", _("Give at most %(n)d wishes.") % {"n": MAX_WISHES})
    season_rooms = {r.pk: r for r in season.rooms.all()}
    hours_cache: dict[int, dict] = {}
    for position, wish in enumerate(wishes[:MAX_WISHES], start=1):
        prefix = _("Wish %(n)d: ") % {"n": position}
        room = season_rooms.get(wish.room.pk)
        if room is None:
            add("wishes", prefix + _("%(room)s is not in this season.") % {"room": wish.room.name})
            continue
        if not 1 <= wish.weekday <= 7:
            add("wishes", prefix + _("The weekday is a number from 1 (Monday) to 7 (Sunday)."))
            continue
        if wish.end <= wish.start:
            add("wishes", prefix + _("The end must be after the start."))
            continue
        length = _minutes(wish.end) - _minutes(wish.start)
        if length < room.min_booking_minutes:
            add(
                "wishes",
                prefix
                + _("A booking of this room lasts at least %(n)d minutes.") % {"n": room.min_booking_minutes},
            )
        if length > room.max_booking_minutes:
            add(
                "wishes",
                prefix
                + _("A booking of this room lasts at most %(n)d minutes.") % {"n": room.max_booking_minutes},
            )
        if room.pk not in hours_cache:
            hours_cache[room.pk] = room_open_hours(room)
        spans = hours_cache[room.pk].get(wish.weekday, ())
        if not any(o <= _minutes(wish.start) and _minutes(wish.end) <= c for o, c in spans):
            add(
                "wishes",
                prefix
                + _("%(slot)s is outside the opening hours.")
                % {"slot": slot_text(room, wish.weekday, wish.start, wish.end)},
            )
        if group_size > room.capacity:
            add(
                "group_size",
                _("%(room)s holds %(n)d people; the group is larger.")
                % {"room": room.name, "n": room.capacity},
            )
    return errors


def _validated(season: Season, *, title: str, group_size: int, wishes: Sequence[WishInput]) -> None:
    errors = wish_errors(season, wishes, group_size)
    if not title.strip():
        errors.setdefault("title", []).append(_("Say what the activity is."))
    if group_size < 1:
        errors.setdefault("group_size", []).append(_("The group has at least one person."))
    if errors:
        raise ValidationError(errors)


def _save_wishes(application: Application, wishes: Sequence[WishInput]) -> None:
    application.wishes.all().delete()
    Wish.objects.bulk_create(
        Wish(application=application, position=n, room=w.room, weekday=w.weekday, start=w.start, end=w.end)
        for n, w in enumerate(wishes, start=1)
    )


def application_submit(
    *,
    actor,
    season: Season,
    association: Association,
    title: str,
    group_size: int,
    wishes: Sequence[WishInput],
    is_public: bool = True,
    description: str = "",
    audience: str = Audience.EVERYONE,
    category: Category | None = None,
) -> Application:
    _check_may_apply(actor, association, season)
    _check_accepting(season)
    _validated(season, title=title, group_size=group_size, wishes=wishes)
    with transaction.atomic():
        application = Application.objects.create(
            season=season,
            association=association,
            title=title.strip(),
            group_size=group_size,
            is_public=is_public,
            description=description,
            audience=audience,
            category=category,
            created_by=actor,
        )
        _save_wishes(application, wishes)
        _audit(actor, "season.applied", association=association, season=season.pk, application=application.pk)
    return application


def application_update(
    *,
    actor,
    application: Application,
    title: str,
    group_size: int,
    wishes: Sequence[WishInput],
    is_public: bool = True,
    description: str = "",
    audience: str = Audience.EVERYONE,
    category: Category | None = None,
) -> Application:
    _check_may_apply(actor, application.association, application.season)
    season = application.season
    _check_accepting(season)
    _validated(season, title=title, group_size=group_size, wishes=wishes)
    with transaction.atomic():
        application.title = title.strip()
        application.group_size = group_size
        application.is_public = is_public
        application.description = description
        application.audience = audience
        application.category = category
        application.save()
        _save_wishes(application, wishes)
        _audit(
            actor,
            "season.application_changed",
            association=application.association,
            application=application.pk,
        )
    return application


def application_withdraw(*, actor, application: Application) -> None:
    _check_may_apply(actor, application.association, application.season)
    _check_accepting(application.season)
    with transaction.atomic():
        _audit(
            actor,
            "season.application_withdrawn",
            association=application.association,
            season=application.season_id,
            title=application.title,
        )
        application.delete()


# --- allocation ---------------------------------------------------------------------


def _check_coordinator(actor, season: Season) -> None:
    if not may_coordinate(actor, season.venue_id):
        raise PermissionDenied(_("Only coordinators allocate seasons."))


def _check_allocatable(season: Season) -> None:
    if season.status == "open":
        raise ValidationError({"detail": [_("Applications are still open; allocate after the deadline.")]})
    if season.status == "published":
        raise ValidationError({"detail": [_("This season is already published.")]})


def season_allocate(*, actor, season: Season) -> allocation.Proposal:
    """Run the solver on every application with the coordinator's pins; keep the proposal.

    The solve runs outside any transaction (it may take tens of seconds, and SQLite would
    hold its write lock all that time); the result is written in one, after checking that
    nobody published the season meanwhile.
    """
    _check_coordinator(actor, season)
    _check_allocatable(season)
    problem = build_problem(season, time_limit_seconds=settings.SEASON_SOLVER_SECONDS)
    try:
        proposal = allocation.allocate(problem)
    except allocation.PinConflict as error:
        log.info("season %s: pins conflict: %s", season.pk, "; ".join(error.problems))
        pinned = Application.objects.filter(season=season, pin__isnull=False).select_related("association")
        names = ", ".join(f"{a.title} ({a.association.name})" for a in pinned.order_by("pk"))
        raise ValidationError(
            {
                "detail": [
                    _("The pinned decisions cannot all hold; change a pin."),
                    _("Pinned: %(names)s.") % {"names": names},
                ]
            }
        ) from None
    with transaction.atomic():
        locked = Season.objects.select_for_update().get(pk=season.pk)
        _check_allocatable(locked)
        _store_proposal(locked, proposal)
        _audit(
            actor,
            "season.allocated",
            season=season.pk,
            optimal=proposal.optimal,
            granted=len(proposal.grants),
        )
    season.refresh_from_db()
    return proposal


def _store_proposal(season: Season, proposal: allocation.Proposal) -> None:
    Outcome.objects.filter(application__season=season).delete()
    rows = []
    explanations = {e.application: e for e in proposal.explanations}
    for grant in proposal.grants:
        why = explanations.get(grant.application)
        rows.append(
            Outcome(
                application_id=grant.application,
                wish=grant.wish,
                room_id=grant.slot.room,
                weekday=grant.slot.weekday,
                start=_time(grant.slot.start),
                end=_time(grant.slot.end),
                code="" if why is None else "later_wish",
                blockers=[] if why is None else _plain_blockers(why.blockers),
                wish_reasons=[] if why is None else _plain_reasons(why.wish_reasons),
            )
        )
    for refusal in proposal.refusals:
        rows.append(
            Outcome(
                application_id=refusal.application,
                code=refusal.code,
                blockers=_plain_blockers(refusal.blockers),
                wish_reasons=_plain_reasons(refusal.wish_reasons),
            )
        )
    Outcome.objects.bulk_create(rows)
    season.phase = Season.Phase.PROPOSED
    season.proposal_optimal = proposal.optimal
    season.proposal_stages = [dict(stage) for stage in proposal.stages]
    season.proposed_at = timezone.now()
    season.save(update_fields=["phase", "proposal_optimal", "proposal_stages", "proposed_at"])


def _plain_blockers(blockers) -> list:
    return [[int(position), [int(a) for a in apps]] for position, apps in blockers]


def _plain_reasons(reasons) -> list:
    return [[int(position), str(code)] for position, code in reasons]


def _time(minutes: int) -> time:
    # The solver speaks minutes after midnight; 1440 (midnight at the end) cannot be a time.
    minutes = min(minutes, 24 * 60 - 1)
    return time(minutes // 60, minutes % 60)


def season_pin(
    *,
    actor,
    application: Application,
    kind: str,
    wish: int | None = None,
    room: Room | None = None,
    weekday: int | None = None,
    start: time | None = None,
    end: time | None = None,
) -> Pin | None:
    """Keep a decision for the next run: grant a wish, refuse, move; kind "" removes the pin."""
    season = application.season
    _check_coordinator(actor, season)
    if season.status == "published":
        raise ValidationError({"detail": [_("This season is already published.")]})
    with transaction.atomic():
        Pin.objects.filter(application=application).delete()
        if not kind:
            _audit(actor, "season.unpinned", association=application.association, application=application.pk)
            return None
        if kind == Pin.Kind.WISH:
            if wish is None or not application.wishes.filter(position=wish).exists():
                raise ValidationError({"wish": [_("Choose one of the application's wishes.")]})
            pin = Pin.objects.create(application=application, kind=kind, wish=wish, created_by=actor)
        elif kind == Pin.Kind.REFUSE:
            pin = Pin.objects.create(application=application, kind=kind, created_by=actor)
        elif kind == Pin.Kind.MOVE:
            if room is None or weekday is None or start is None or end is None:
                raise ValidationError({"detail": [_("Give the room, the weekday and the times.")]})
            errors = wish_errors(season, [WishInput(room, weekday, start, end)], application.group_size)
            if errors:
                raise ValidationError(errors)
            pin = Pin.objects.create(
                application=application,
                kind=kind,
                room=room,
                weekday=weekday,
                start=start,
                end=end,
                created_by=actor,
            )
        else:
            raise ValidationError({"kind": [_("Unknown decision.")]})
        _audit(
            actor, "season.pinned", association=application.association, application=application.pk, kind=kind
        )
    return pin


# --- publication --------------------------------------------------------------------


@dataclass
class Published:
    season: Season
    booked: list[Outcome] = field(default_factory=list)  # series booked by this call
    already: bool = False  # the season had been published before


def _first_start(season: Season, weekday: int, start: time, now: datetime) -> datetime | None:
    """The first date of the weekly series: on the weekday, from the season's start, not past."""
    tz = season.venue.tz
    day = season.start + timedelta(days=(weekday - season.start.isoweekday()) % 7)
    while day <= season.end:
        moment = localize(datetime.combine(day, start), tz)
        if moment > now:
            return moment
        day += timedelta(days=7)
    return None


def season_publish(*, actor, season: Season) -> Published:
    """Book every granted slot as one weekly series of confirmed dates, in one transaction.

    Dates that a confirmed booking or a closure holds are left out and recorded; the rooms
    are locked first (pk order), so a one-off booking made meanwhile either committed
    before (its date is left out) or waits and then meets our dates as a conflict. The
    exclusion constraint stays the guarantee. An outcome that has a booking is never
    booked again, so publishing twice books nothing twice.
    """
    _check_coordinator(actor, season)
    with transaction.atomic():
        season = Season.objects.select_for_update().select_related("venue").get(pk=season.pk)
        if season.phase == Season.Phase.PUBLISHED:
            return Published(season=season, already=True)
        if season.phase != Season.Phase.PROPOSED:
            raise ValidationError({"detail": [_("Run the allocation before publishing.")]})
        problems = _proposal_problems(season)
        if problems:
            raise ValidationError({"detail": problems})
        list(Room.objects.select_for_update().filter(seasons=season).order_by("pk"))
        outcomes = list(
            Outcome.objects.filter(application__season=season)
            .select_related("application__association", "application__category", "room__venue")
            .order_by("application_id")
        )
        now = timezone.now()
        booked = []
        for outcome in outcomes:
            application = outcome.application
            if not outcome.granted:
                application.status = Application.Status.REFUSED
                application.save(update_fields=["status", "updated_at"])
                continue
            application.status = Application.Status.GRANTED
            application.save(update_fields=["status", "updated_at"])
            if outcome.booking_id is not None:
                continue
            _book_series(actor, season, outcome, now)
            booked.append(outcome)
        season.phase = Season.Phase.PUBLISHED
        season.published_at = now
        season.save(update_fields=["phase", "published_at"])
        _audit(actor, "season.published", season=season.pk, series=len(booked))
        notifications.after_publish(season)
    return Published(season=season, booked=booked)


def _book_series(actor, season: Season, outcome: Outcome, now: datetime) -> None:
    application = outcome.application
    tz = season.venue.tz
    first = _first_start(season, outcome.weekday, outcome.start, now)
    if first is None:
        outcome.left_out = [{"start": None, "reason": _("The season has no dates left.")}]
        outcome.save(update_fields=["left_out"])
        return
    length = timedelta(minutes=_minutes(outcome.end) - _minutes(outcome.start))
    end = localize(first.astimezone(tz).replace(tzinfo=None) + length, tz)
    # The season ended within the room's horizon when it was opened; should the room's
    # horizon have shrunk since, the dates beyond it are left out (and said so).
    last, beyond = season.end, []
    horizon = now + timedelta(days=outcome.room.booking_horizon_days)
    while (
        last > first.astimezone(tz).date() and localize(datetime.combine(last, outcome.start), tz) > horizon
    ):
        if last.isoweekday() == outcome.weekday:
            beyond.append(localize(datetime.combine(last, outcome.start), tz))
        last -= timedelta(days=1)
    rrule = f"FREQ=WEEKLY;UNTIL={last:%Y%m%d}"
    try:
        # A savepoint: a series whose every date is taken must not undo the others.
        with transaction.atomic():
            result = booking_services.booking_create(
                actor=actor,
                association=application.association,
                room=outcome.room,
                title=application.title,
                start=first,
                end=end,
                rrule=rrule,
                is_public=application.is_public,
                description=application.description,
                category=application.category,
                audience=application.audience,
                only_free_dates=True,
                skip_closed_dates=True,
                confirm=True,
                notify=False,
            )
    except booking_services.BookingConflict:
        outcome.left_out = [{"start": None, "reason": _("Every date of the season was already taken.")}]
        outcome.save(update_fields=["left_out"])
        return
    left_out = [
        {"start": c.requested_start.astimezone(tz).isoformat(), "reason": _("already booked")}
        for c in result.skipped
    ]
    left_out += [
        {"start": slot.start.astimezone(tz).isoformat(), "reason": reason} for slot, reason in result.closed
    ]
    left_out += [
        {"start": moment.isoformat(), "reason": _("too far ahead for the room")} for moment in beyond
    ]
    outcome.booking = result.booking
    outcome.left_out = sorted(left_out, key=lambda d: d["start"] or "")
    outcome.save(update_fields=["booking", "left_out"])


def _proposal_problems(season: Season) -> list[str]:
    """The solver's own check of the stored proposal against the season as it is now.

    Dates taken since the run are not counted here (publication leaves them out); a pin set
    since the run is, so the coordinator runs the allocation again first.
    """
    problem = build_problem(season, with_unavailable=False)
    outcomes = list(Outcome.objects.filter(application__season=season).order_by("application_id"))
    grants = tuple(
        allocation.Grant(
            application=o.application_id,
            wish=o.wish,
            slot=allocation.Slot(o.room_id, o.weekday, _minutes(o.start), _minutes(o.end)),
        )
        for o in outcomes
        if o.granted
    )
    refusals = tuple(
        allocation.Refusal(application=o.application_id, code=o.code) for o in outcomes if not o.granted
    )
    known = {o.application_id for o in outcomes}
    if any(a.id not in known for a in problem.applications):
        return [_("The applications changed since the allocation; run it again.")]
    proposal = allocation.Proposal(grants=grants, refusals=refusals, explanations=(), optimal=True, stages=())
    found = allocation.check(problem, proposal)
    if found:
        # The solver's findings are in English for developers: logged, not shown.
        log.warning("season %s: stored proposal fails the check: %s", season.pk, "; ".join(found))
        return [_("The proposal no longer keeps the rules; run the allocation again.")]
    return []
