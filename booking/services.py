"""Writes on bookings. The web views, the API, the admin and the commands all call these.

Every function takes the acting user, checks what they may do, runs in one transaction
and sends its e-mails only after the commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association
from audit.services import audit
from venues.models import Room
from venues.permissions import may_coordinate

from . import notifications, permissions
from .models import MAX_DATE_LENGTH, Booking, Category, CoHost, Occurrence, Status, buffer_of
from .overlap import block_end, collides, overlaps
from .recurrence import RecurrenceError, Slot, canonical_rule, expand
from .rules import ClosedSpan, Hours, RoomRules, rule_violations

EXCLUSION_CONSTRAINT = "occurrence_no_overlap_confirmed"


@dataclass(frozen=True)
class Conflict:
    """A requested date and the confirmed booking it collides with."""

    start: datetime
    end: datetime
    room_id: int
    title: str | None  # None for private bookings: their titles are nobody else's business
    requested_start: datetime
    requested_end: datetime


class BookingConflict(Exception):
    def __init__(self, conflicts: Sequence[Conflict]):
        super().__init__(f"{len(conflicts)} conflicting date(s)")
        self.conflicts = list(conflicts)


@dataclass
class BookingResult:
    booking: Booking
    skipped: list[Conflict] = field(default_factory=list)
    closed: list[tuple[Slot, str]] = field(default_factory=list)  # (date, closure reason) left out


def room_rules(room: Room, start: datetime, end: datetime) -> RoomRules:
    """The rules of a room, with the closures that touch [start, end)."""
    hours = list(room.opening_hours.all()) or list(room.venue.opening_hours.filter(room__isnull=True))
    closures = room.venue.closures.filter(Q(room__isnull=True) | Q(room=room), start__lt=end, end__gt=start)
    return RoomRules(
        tz=room.venue.tz,
        hours=[Hours(h.weekday, h.opens, h.closes) for h in hours],
        closures=[ClosedSpan(c.start, c.end, c.reason) for c in closures],
        min_minutes=room.min_booking_minutes,
        max_minutes=room.max_booking_minutes,
        horizon_days=room.booking_horizon_days,
    )


def find_conflicts(
    room: Room,
    slots: Sequence[Slot],
    *,
    statuses=(Status.CONFIRMED,),
    exclude_occurrence: int | None = None,
    exclude_date: tuple[int, datetime] | None = None,
) -> list[Conflict]:
    """Existing occurrences of the room that overlap any slot, buffers included. One query.

    exclude_date (booking id, recurrence id) leaves out the rows of a date being moved.
    """
    if not slots:
        return []
    buffer = room.buffer
    lo = min(s.start for s in slots)
    hi = max(s.end for s in slots) + buffer
    existing = Occurrence.objects.filter(room=room, status__in=statuses, start__lt=hi, block_end__gt=lo)
    if exclude_occurrence is not None:
        existing = existing.exclude(pk=exclude_occurrence)
    if exclude_date is not None:
        existing = existing.exclude(booking_id=exclude_date[0], recurrence_id=exclude_date[1])
    rows = list(existing.select_related("booking").order_by("start"))
    conflicts = []
    for slot in slots:
        for row in rows:
            if collides(slot.start, slot.end, buffer, [(row.start, row.block_end)]):
                conflicts.append(
                    Conflict(
                        start=row.start,
                        end=row.end,
                        room_id=room.pk,
                        title=row.booking.title if row.booking.is_public else None,
                        requested_start=slot.start,
                        requested_end=slot.end,
                    )
                )
    return conflicts


def _over_fair_share(room: Room, association: Association, slots: Sequence[Slot]) -> bool:
    if not room.weekly_hours_limit or not slots:
        return False
    tz = room.venue.tz

    def week_of(moment: datetime):
        return moment.astimezone(tz).isocalendar()[:2]

    lo = min(s.start for s in slots) - timedelta(days=7)
    hi = max(s.end for s in slots) + timedelta(days=7)
    hours: dict[tuple, float] = defaultdict(float)
    for start, end in Occurrence.objects.filter(
        room=room,
        booking__association=association,
        status__in=(Status.CONFIRMED, Status.PENDING),
        start__lt=hi,
        end__gt=lo,
    ).values_list("start", "end"):
        hours[week_of(start)] += (end - start).total_seconds() / 3600
    for slot in slots:
        hours[week_of(slot.start)] += (slot.end - slot.start).total_seconds() / 3600
    return any(total > room.weekly_hours_limit for total in hours.values())


def expand_or_raise(rrule: str, start: datetime, end: datetime, tz) -> list[Slot]:
    if end <= start:
        raise ValidationError({"end": [_("The end must be after the start.")]})
    try:
        return expand(rrule or "", start, end, tz)
    except RecurrenceError as exc:
        raise ValidationError({"rrule": [str(exc)]}) from None


def _lock_room(room: Room) -> Room:
    # Serialises bookings of one room on PostgreSQL, so the friendly check below sees
    # every committed competitor; the exclusion constraint stays the guarantee.
    return Room.objects.select_for_update().select_related("venue").get(pk=room.pk)


def lock_rooms(rooms: Iterable[Room]) -> dict[int, Room]:
    # Always in pk order: two requests for the same rooms then queue instead of deadlocking.
    return {r.pk: _lock_room(r) for r in sorted({r.pk: r for r in rooms}.values(), key=lambda r: r.pk)}


def conflicts_in(rooms: Sequence[Room], slots: Sequence[Slot], **kwargs) -> list[Conflict]:
    """find_conflicts in every room of a (multi-room) booking."""
    return [c for r in rooms for c in find_conflicts(r, slots, **kwargs)]


def rule_errors(rooms: Sequence[Room], slots: Sequence[Slot]) -> dict[str, list[str]]:
    """Every room's rules; with several rooms each message names its room."""
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    for r in rooms:
        found = rule_violations(slots, room_rules(r, slots[0].start, slots[-1].end), now)
        for name, messages in found.items():
            for message in messages:
                if len(rooms) > 1:
                    message = _("%(room)s: %(message)s") % {"room": r.name, "message": message}
                if message not in errors.setdefault(name, []):
                    errors[name].append(message)
    return errors


def initial_status(rooms: Sequence[Room], association: Association, slots: Sequence[Slot]) -> tuple[str, str]:
    """Confirmed at once, or pending for a coordinator, and the reason the volunteers see."""
    if any(r.requires_approval for r in rooms):
        return Status.PENDING, ""
    if conflicts_in(rooms, slots, statuses=(Status.PENDING,)):
        return Status.PENDING, _("Another association has asked for the same time; a coordinator decides.")
    if any(_over_fair_share(r, association, slots) for r in rooms):
        return Status.PENDING, _(
            "This goes beyond the room's weekly hours per association; a coordinator decides."
        )
    return Status.CONFIRMED, ""


def approved_cohosts(host: Association | int, associations: Iterable[Association]) -> list[Association]:
    """The invited associations, without the host or repeats; each must be approved."""
    host_id = host if isinstance(host, int) else host.pk
    wanted = [a for a in dict.fromkeys(associations) if a.pk != host_id]
    for association in wanted:
        if not association.is_approved:
            raise ValidationError(
                {"cohosts": [_("%(name)s is not an approved association.") % {"name": association}]}
            )
    return wanted


def _extra_rooms(room: Room | None, extra_rooms: Iterable[Room]) -> list[Room]:
    extra = [r for r in {r.pk: r for r in extra_rooms}.values() if room is None or r.pk != room.pk]
    if not extra:
        return []
    if room is None:
        raise ValidationError({"extra_rooms": [_("An event held elsewhere cannot book rooms.")]})
    for r in extra:
        if not r.is_active:
            raise ValidationError({"extra_rooms": [_("%(room)s does not take bookings.") % {"room": r.name}]})
        if r.venue_id != room.venue_id:
            raise ValidationError({"extra_rooms": [_("%(room)s is in another house.") % {"room": r.name}]})
    return extra


def booking_create(
    *,
    actor,
    association: Association,
    room: Room | None,
    title: str,
    start: datetime,
    end: datetime,
    rrule: str = "",
    is_public: bool = True,
    description: str = "",
    cohosts: Iterable[Association] = (),
    category: Category | None = None,
    only_free_dates: bool = False,
    extra_rooms: Iterable[Room] = (),
    skip_closed_dates: bool = False,
    confirm: bool = False,
    notify: bool = True,
    **details,
) -> BookingResult:
    """Book a room (or several at once, all or nothing) once or as a series.

    Nothing is saved when a date collides in any room; with only_free_dates such a date
    is skipped in every room (and returned) instead. Without a room the event is held
    elsewhere (details["location"]): no room's rules or conflicts apply to it.

    For a season's publication (seasons/services.py): skip_closed_dates leaves out dates
    a closure holds instead of refusing them; confirm (coordinators only) books confirmed
    whatever the room's approval setting, the coordinator's decision being the approval;
    notify=False leaves the e-mail to the caller, who sends one per association.
    """
    if not permissions.may_book_for(actor, association, venue_id=room.venue_id if room else None):
        raise PermissionDenied(_("You may not book for this association."))
    if confirm and not may_coordinate(actor, room.venue_id if room else None):
        raise PermissionDenied(_("Only coordinators approve bookings."))
    extra = _extra_rooms(room, extra_rooms)
    if room is None:
        if not str(details.get("location") or "").strip():
            raise ValidationError({"location": [_("Say where the event is held, or choose a room.")]})
        tz = ZoneInfo(settings.TIME_ZONE)
    else:
        if not room.is_active:
            raise ValidationError({"room": [_("This room does not take bookings.")]})
        tz = room.venue.tz
    slots = expand_or_raise(rrule, start, end, tz)
    rrule = canonical_rule(rrule or "", tz)
    if any(slot.end - slot.start > MAX_DATE_LENGTH for slot in slots):
        # Rooms allow far less; this bounds off-site events, which no room's rules cover.
        raise ValidationError(
            {"end": [_("One date lasts at most %(days)d days.") % {"days": MAX_DATE_LENGTH.days}]}
        )
    cohosts = approved_cohosts(association, cohosts)

    rooms: list[Room] = []
    closed: list[tuple[Slot, str]] = []
    try:
        with transaction.atomic():
            skipped: list[Conflict] = []
            reason = ""
            status: str = Status.CONFIRMED
            if room is not None:
                locked = lock_rooms([room, *extra])
                room = locked[room.pk]
                rooms = [room, *(locked[r.pk] for r in extra)]
                if skip_closed_dates:
                    slots, closed = _without_closed_dates(rooms, slots)
                    if not slots:
                        raise BookingConflict([])
                errors = rule_errors(rooms, slots)
                if errors:
                    raise ValidationError(errors)
                conflicts = conflicts_in(rooms, slots)
                if conflicts:
                    if not only_free_dates:
                        raise BookingConflict(conflicts)
                    taken = {c.requested_start for c in conflicts}
                    skipped = conflicts
                    slots = [s for s in slots if s.start not in taken]
                    if not slots:
                        raise BookingConflict(conflicts)

                status, reason = (
                    (Status.CONFIRMED, "") if confirm else initial_status(rooms, association, slots)
                )

            booking = Booking.objects.create(
                association=association,
                room=room,
                title=title,
                description=description,
                is_public=is_public,
                category=category,
                rrule=rrule or "",
                start=slots[0].start,
                end=slots[0].end,
                status=status,
                status_reason=reason,
                created_by=actor,
                **details,
            )
            Occurrence.objects.bulk_create(
                Occurrence.for_dates(booking=booking, slots=slots, rooms=rooms or [None], status=status)
            )
            CoHost.objects.bulk_create(CoHost(booking=booking, association=c) for c in cohosts)
            audit(
                actor,
                "booking.created",
                booking=booking,
                message=reason,
                status=status,
                dates=len(slots),
                skipped=[c.requested_start.isoformat() for c in skipped],
                **({"rooms": [r.pk for r in rooms]} if len(rooms) > 1 else {}),
            )
            if notify:
                notifications.after_commit(booking, "confirmed" if status == Status.CONFIRMED else "pending")
            for cohost in cohosts:
                notifications.after_commit(booking, "cohost_invited", association=cohost)
    except IntegrityError as exc:
        if EXCLUSION_CONSTRAINT not in str(exc):
            raise
        # Lost a race the check could not see (another server committed between our
        # check and our insert): the exclusion constraint refused, answer as a conflict.
        raise BookingConflict(conflicts_in(rooms, slots)) from None
    return BookingResult(booking=booking, skipped=skipped, closed=closed)


def _without_closed_dates(rooms: Sequence[Room], slots: Sequence[Slot]) -> tuple[list[Slot], list]:
    """The slots no closure of any of the rooms touches, and the others with the reason."""
    kept, closed = [], []
    spans = [c for r in rooms for c in room_rules(r, slots[0].start, slots[-1].end).closures]
    for slot in slots:
        hit = next((c for c in spans if overlaps(slot.start, slot.end, c.start, c.end)), None)
        if hit is None:
            kept.append(slot)
        else:
            closed.append((slot, hit.reason))
    return kept, closed


def refresh_status(booking: Booking) -> None:
    """The booking's status follows its dates' (any confirmed, else pending, else declined,
    else cancelled) and its iCalendar SEQUENCE rises, so calendar apps update it."""
    statuses = set(booking.occurrences.values_list("status", flat=True))
    for candidate in (Status.CONFIRMED, Status.PENDING, Status.DECLINED):
        if candidate in statuses:
            booking.status = candidate
            break
    else:
        booking.status = Status.CANCELLED
    booking.sequence += 1
    booking.save(update_fields=["status", "sequence", "updated_at"])


def _occurrence_at(booking: Booking, moment: datetime, field_name: str) -> Occurrence:
    occurrence = booking.occurrences.filter(Q(start=moment) | Q(recurrence_id=moment)).first()
    if occurrence is None:
        raise ValidationError({field_name: [_("This booking has no date starting at that time.")]})
    return occurrence


def _date_rows_at(booking: Booking, moment: datetime, field_name: str) -> list[Occurrence]:
    """Every room's row of the date starting (or generated) at `moment`. One query."""
    named = booking.occurrences.filter(Q(start=moment) | Q(recurrence_id=moment))
    rows = list(
        booking.occurrences.filter(recurrence_id__in=named.values("recurrence_id")).order_by("start", "id")
    )
    matching = [o for o in rows if moment in (o.start, o.recurrence_id)]
    if not matching:
        raise ValidationError({field_name: [_("This booking has no date starting at that time.")]})
    return [o for o in rows if o.recurrence_id == matching[0].recurrence_id]


def _same_dates(booking: Booking, occurrence_ids: Iterable[int]):
    # A date of a multi-room booking is one row per room: naming one row names them all.
    return booking.occurrences.filter(pk__in=list(occurrence_ids)).values("recurrence_id")


@transaction.atomic
def booking_cancel(
    *,
    actor,
    booking: Booking,
    occurrence: datetime | None = None,
    from_start: datetime | None = None,
    reason: str = "",
) -> list[Occurrence]:
    """Cancel the whole series (dates not yet over), one date, or a date and all after it."""
    if not permissions.may_manage(actor, booking):
        raise PermissionDenied(_("You may not cancel bookings of this association."))
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    active = booking.occurrences.exclude(status__in=(Status.CANCELLED, Status.DECLINED))
    if occurrence is not None:
        targets = _date_rows_at(booking, occurrence, "occurrence")
        targets = [o for o in targets if o.status not in (Status.CANCELLED, Status.DECLINED)]
        scope = "occurrence"
    elif from_start is not None:
        first = _occurrence_at(booking, from_start, "from")
        targets = list(active.filter(start__gte=first.start))
        scope = "from"
    else:
        targets = list(active.filter(end__gt=timezone.now()))
        scope = "series"
    if _date_count(targets) > 1 and not permissions.may_cancel_series(actor, booking):
        raise PermissionDenied(permissions.ADMIN_OR_BOOKER_ONLY)
    if targets:
        Occurrence.objects.filter(pk__in=[o.pk for o in targets]).update(
            status=Status.CANCELLED, updated_at=timezone.now()
        )
        refresh_status(booking)
        audit(
            actor,
            "booking.cancelled",
            booking=booking,
            message=reason,
            scope=scope,
            dates=list(dict.fromkeys(o.start.isoformat() for o in targets)),
        )
        notifications.after_commit(booking, "cancelled", occurrences=targets)
    return targets


@transaction.atomic
def cohost_respond(*, actor, booking: Booking, association: Association, accept: bool) -> CoHost:
    """An admin of an invited association accepts or declines co-hosting."""
    cohost = CoHost.objects.select_for_update().filter(booking=booking, association=association).first()
    if not permissions.may_answer_invitation(
        actor, cohost or CoHost(booking=booking, association=association)
    ):
        raise PermissionDenied(_("Only an admin of the invited association may answer."))
    if cohost is None:
        raise ValidationError({"detail": _("This association has not been invited to co-host.")})
    cohost.status = CoHost.Status.ACCEPTED if accept else CoHost.Status.DECLINED
    cohost.responded_at = timezone.now()
    cohost.responded_by = actor
    cohost.save()
    Booking.objects.filter(pk=booking.pk).update(sequence=booking.sequence + 1, updated_at=timezone.now())
    audit(actor, f"cohost.{cohost.status}", booking=booking, association=association)
    notifications.after_commit(booking, f"cohost_{cohost.status}", association=association)
    return cohost


def booking_approve(
    *, actor, booking: Booking, occurrence_ids: Iterable[int] | None = None, message: str = ""
) -> list[Occurrence]:
    """A coordinator confirms pending dates (all, or some of a series); never into an overlap.

    Naming one room's row of a date approves the date in all its rooms.
    """
    if not permissions.coordinates_booking(actor, booking):
        raise PermissionDenied(_("Only coordinators approve bookings."))
    pending = booking.occurrences.filter(status=Status.PENDING)
    if occurrence_ids is not None:
        pending = pending.filter(recurrence_id__in=_same_dates(booking, occurrence_ids))
    rooms: dict[int, Room] = {}
    targets: list[Occurrence] = []
    try:
        with transaction.atomic():
            if booking.room_id:
                # One query, in pk order like lock_rooms: the booking's room and every room
                # the dates use (a date moved by a coordinator's proposal may use another).
                rooms = {
                    r.pk: r
                    for r in Room.objects.select_for_update()
                    .select_related("venue")
                    .filter(Q(pk=booking.room_id) | Q(pk__in=pending.values("room_id")))
                    .order_by("pk")
                }
            targets = list(pending.select_for_update())
            conflicts = _conflicts_of_rows(rooms, targets)
            if conflicts:
                raise BookingConflict(conflicts)
            Occurrence.objects.filter(pk__in=[o.pk for o in targets]).update(
                status=Status.CONFIRMED, updated_at=timezone.now()
            )
            booking.status_reason = message
            booking.save(update_fields=["status_reason"])
            refresh_status(booking)
            audit(actor, "booking.approved", booking=booking, message=message, dates=_date_count(targets))
            notifications.after_commit(booking, "approved", occurrences=targets, message=message)
    except IntegrityError as exc:
        if EXCLUSION_CONSTRAINT not in str(exc):
            raise
        raise BookingConflict(_conflicts_of_rows(rooms, targets)) from None
    return targets


def _conflicts_of_rows(rooms: dict[int, Room], rows: Iterable[Occurrence]) -> list[Conflict]:
    """Confirmed bookings the rows would overlap, each in its own room: one query per room."""
    by_room: dict[int, list[Slot]] = defaultdict(list)
    for o in rows:
        if o.room_id in rooms:
            by_room[o.room_id].append(Slot(o.start, o.end))
    return [c for room_id, slots in by_room.items() for c in find_conflicts(rooms[room_id], slots)]


def _date_count(rows: Iterable[Occurrence]) -> int:
    return len({o.recurrence_id for o in rows})


@transaction.atomic
def booking_decline(
    *, actor, booking: Booking, reason: str, occurrence_ids: Iterable[int] | None = None
) -> list[Occurrence]:
    if not permissions.coordinates_booking(actor, booking):
        raise PermissionDenied(_("Only coordinators decline bookings."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Tell the association why.")]})
    pending = booking.occurrences.select_for_update().filter(status=Status.PENDING)
    if occurrence_ids is not None:
        pending = pending.filter(recurrence_id__in=_same_dates(booking, occurrence_ids))
    targets = list(pending)
    Occurrence.objects.filter(pk__in=[o.pk for o in targets]).update(
        status=Status.DECLINED, updated_at=timezone.now()
    )
    booking.status_reason = reason
    booking.save(update_fields=["status_reason"])
    refresh_status(booking)
    audit(actor, "booking.declined", booking=booking, message=reason, dates=_date_count(targets))
    notifications.after_commit(booking, "declined", occurrences=targets, message=reason)
    return targets


def _move_target(occurrence: Occurrence, room: Room | None, date_rows) -> Room | None:
    """The room a date moves to, when it changes room; None when it stays where it is."""
    if room is None or room.pk == occurrence.room_id:
        return None
    if occurrence.room is None:
        raise ValidationError({"room": [_("An event held elsewhere cannot move into a room.")]})
    if not room.is_active:
        raise ValidationError({"room": [_("This room does not take bookings.")]})
    if room.venue_id != occurrence.room.venue_id:
        raise ValidationError({"room": [_("Choose a room in the same house.")]})
    if date_rows.count() > 1:
        raise ValidationError({"room": [_("This date uses several rooms; it can only change its time.")]})
    return room


def occurrence_move(
    *, actor, occurrence: Occurrence, start: datetime, end: datetime, room: Room | None = None
) -> Occurrence:
    """Move one date, in every room it uses, or (with `room`) to another room of the house.

    The series keeps its rule and the feed shows a RECURRENCE-ID override. A date moved to
    another room passes the checks of any booking there: opening hours, conflicts, and the
    room's approval (it then waits for a coordinator, like a new request)."""
    booking = occurrence.booking
    if not permissions.may_manage(actor, booking):
        raise PermissionDenied(_("You may not change bookings of this association."))
    date_rows = Occurrence.objects.filter(booking_id=booking.pk, recurrence_id=occurrence.recurrence_id)
    target = _move_target(occurrence, room, date_rows)
    if target is not None:
        return _move_to_room(actor, booking, occurrence, target, start, end)
    tz = booking.room.venue.tz if booking.room is not None else timezone.get_default_timezone()
    slots = expand_or_raise("", start, end, tz)
    this_date = (booking.pk, occurrence.recurrence_id)
    rooms: list[Room] = []
    try:
        with transaction.atomic():
            if occurrence.room_id is not None:
                # One query for every room of the date, in pk order like lock_rooms.
                rooms = list(
                    Room.objects.select_for_update()
                    .select_related("venue")
                    .filter(pk__in=date_rows.values("room_id"))
                    .order_by("pk")
                )
                errors = rule_errors(rooms, slots)
                if errors:
                    raise ValidationError(errors)
                conflicts = conflicts_in(rooms, slots, exclude_date=this_date)
                if conflicts:
                    raise BookingConflict(conflicts)
            now = timezone.now()
            every_room: list[Room | None] = [*rooms] or [None]  # an event held elsewhere has no room
            for room in every_room:
                date_rows.filter(room=room).update(
                    start=start, end=end, block_end=block_end(end, buffer_of(room)), updated_at=now
                )
            own_room = next((r for r in rooms if r.pk == occurrence.room_id), None)
            occurrence.start = start
            occurrence.end = end
            occurrence.block_end = block_end(end, buffer_of(own_room))
            occurrence.updated_at = now
            Booking.objects.filter(pk=booking.pk).update(
                sequence=booking.sequence + 1, updated_at=timezone.now()
            )
            audit(actor, "occurrence.moved", booking=booking, start=start.isoformat(), end=end.isoformat())
            notifications.after_commit(booking, "moved", occurrences=[occurrence])
    except IntegrityError as exc:
        if EXCLUSION_CONSTRAINT not in str(exc):
            raise
        raise BookingConflict(conflicts_in(rooms, slots, exclude_date=this_date)) from None
    return occurrence


# Attendance: how many took part in a date, recorded by its leader. Counts are visits, not
# people: someone who comes every week counts every week.

# No room holds more visits than ten times its capacity in one date, even with people coming
# and going; a larger number is a typing slip. Off-site dates have no capacity to compare.
ATTENDANCE_PER_CAPACITY = 10
ATTENDANCE_MAX = 100_000


def attendance_limit(rows: Sequence[Occurrence]) -> int:
    room_ids = [o.room_id for o in rows if o.room_id is not None]
    capacity = sum(Room.objects.filter(pk__in=room_ids).values_list("capacity", flat=True)) if room_ids else 0
    return min(ATTENDANCE_MAX, capacity * ATTENDANCE_PER_CAPACITY) if capacity else ATTENDANCE_MAX


def _attendance_rows(booking: Booking, moment: datetime, field_name: str) -> list[Occurrence]:
    rows = _date_rows_at(booking, moment, field_name)
    # The date's count lives on one row, the booking's own room first, so sums count it once.
    rows.sort(key=lambda o: (o.room_id != booking.room_id, o.pk))
    return rows


@transaction.atomic
def attendance_record(
    *,
    actor,
    booking: Booking,
    start: datetime,
    participants: int,
    unused: bool | None = None,
    field_name: str = "participants",
) -> Occurrence:
    """Record the visits of the date of `booking` that starts (or was generated) at `start`."""
    if not permissions.may_record_attendance(actor, booking):
        raise PermissionDenied(_("Only the host associations and coordinators record attendance."))
    rows = _attendance_rows(booking, start, "occurrence")
    occurrence = rows[0]
    if occurrence.start > timezone.now():
        raise ValidationError({"occurrence": [_("Attendance is recorded once the date has begun.")]})
    if occurrence.status != Status.CONFIRMED:
        raise ValidationError({"occurrence": [_("This date did not take place.")]})
    if isinstance(participants, bool) or not isinstance(participants, int) or participants < 0:
        raise ValidationError({field_name: [_("Give the number of visits as a whole number, 0 or more.")]})
    limit = attendance_limit(rows)
    if participants > limit:
        raise ValidationError(
            {field_name: [_("At most %(limit)d visits can be recorded for this date.") % {"limit": limit}]}
        )
    now = timezone.now()
    changes: dict = {"attendance": participants, "updated_at": now}
    if unused is not None:
        changes["unused"] = unused
    Occurrence.objects.filter(pk=occurrence.pk).update(**changes)
    others = [o.pk for o in rows[1:] if o.attendance is not None]
    if others:
        Occurrence.objects.filter(pk__in=others).update(attendance=None, updated_at=now)
    for name, value in changes.items():
        setattr(occurrence, name, value)
    audit(
        actor,
        "occurrence.attendance",
        booking=booking,
        start=occurrence.start.isoformat(),
        attendance=participants,
    )
    return occurrence


def _move_to_room(actor, booking: Booking, occurrence: Occurrence, room: Room, start, end) -> Occurrence:
    slots = expand_or_raise("", start, end, room.venue.tz)
    this_date = (booking.pk, occurrence.recurrence_id)
    old_room_id = occurrence.room_id
    try:
        with transaction.atomic():
            target = _lock_room(room)
            errors = rule_errors([target], slots)
            if errors:
                raise ValidationError(errors)
            conflicts = conflicts_in([target], slots, exclude_date=this_date)
            if conflicts:
                raise BookingConflict(conflicts)
            status, reason = initial_status([target], booking.association, slots)
            now = timezone.now()
            Occurrence.objects.filter(pk=occurrence.pk).update(
                room=target,
                start=start,
                end=end,
                block_end=block_end(end, target.buffer),
                status=status,
                updated_at=now,
            )
            occurrence.room, occurrence.status = target, status
            occurrence.start, occurrence.end, occurrence.block_end = start, end, block_end(end, target.buffer)
            if not booking.occurrences.exclude(room=target).exists():
                booking.room = target  # a one-off booking now lives in the new room
                booking.save(update_fields=["room", "updated_at"])
            if reason:
                Booking.objects.filter(pk=booking.pk).update(status_reason=reason)
            refresh_status(booking)
            audit(
                actor,
                "occurrence.moved",
                booking=booking,
                message=reason,
                start=start.isoformat(),
                end=end.isoformat(),
                room=target.pk,
                from_room=old_room_id,
                status=status,
            )
            notifications.after_commit(booking, "moved", occurrences=[occurrence])
            if status == Status.PENDING:
                notifications.after_commit(booking, "pending", occurrences=[occurrence])
    except IntegrityError as exc:
        if EXCLUSION_CONSTRAINT not in str(exc):
            raise
        raise BookingConflict(conflicts_in([room], slots, exclude_date=this_date)) from None
    return occurrence


def buffer_collisions(room: Room, buffer_minutes: int, *, now: datetime | None = None) -> list[Conflict]:
    """The confirmed dates not yet over that would overlap the next one if the room kept
    `buffer_minutes` of turnaround. One query; nothing is changed."""
    now = now or timezone.now()
    buffer = timedelta(minutes=buffer_minutes)
    rows = list(
        Occurrence.objects.filter(room=room, status=Status.CONFIRMED, block_end__gt=now)
        .select_related("booking")
        .order_by("start", "pk")
    )

    def held_until(o: Occurrence) -> datetime:
        # Dates already over keep the buffer they were booked with (see room_set_buffer).
        return block_end(o.end, buffer) if o.end > now else o.block_end

    collisions = []
    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            if b.start >= held_until(a):
                break  # sorted by start: no later row can meet a
            if overlaps(a.start, held_until(a), b.start, held_until(b)):
                collisions.append(
                    Conflict(
                        start=b.start,
                        end=b.end,
                        room_id=room.pk,
                        title=b.booking.title if b.booking.is_public else None,
                        requested_start=a.start,
                        requested_end=a.end,
                    )
                )
    return collisions


def room_set_buffer(*, actor, room: Room, buffer_minutes: int) -> int:
    """Give a room a new turnaround buffer and recompute block_end of its dates not yet over.

    Raises BookingConflict with the dates that would then overlap (nothing is saved), so
    neither the exclusion constraint nor find_conflicts is left with the old buffer.
    Dates already over keep theirs: history is not rewritten. Returns the rows recomputed.
    """
    with transaction.atomic():
        room = _lock_room(room)
        now = timezone.now()
        collisions = buffer_collisions(room, buffer_minutes, now=now)
        if collisions:
            raise BookingConflict(collisions)
        old = room.buffer_minutes
        room.buffer_minutes = buffer_minutes
        room.save(update_fields=["buffer_minutes"])
        rows = list(Occurrence.objects.filter(room=room, end__gt=now).only("pk", "end", "block_end"))
        for o in rows:
            o.block_end = block_end(o.end, room.buffer)
        Occurrence.objects.bulk_update(rows, ["block_end"], batch_size=500)
        audit(actor, "room.buffer_set", room=room.pk, old=old, new=buffer_minutes, dates=len(rows))
    return len(rows)
