"""Writes on bookings. The web views, the API, the admin and the commands all call these.

Every function takes the acting user, checks what they may do, runs in one transaction
and sends its e-mails only after the commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association
from associations.permissions import can_book_for, is_admin_of, is_coordinator
from venues.models import Room

from . import notifications
from .models import AuditEntry, Booking, Category, CoHost, Occurrence, Status
from .recurrence import RecurrenceError, Slot, expand
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


def audit(actor, action: str, *, booking=None, association=None, message: str = "", **data) -> None:
    AuditEntry.objects.create(
        actor=actor if actor and actor.is_authenticated else None,
        action=action,
        booking=booking,
        association=association or (booking.association if booking else None),
        message=message,
        data=data,
    )


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
    room: Room, slots: Sequence[Slot], *, statuses=(Status.CONFIRMED,), exclude_occurrence: int | None = None
) -> list[Conflict]:
    """Existing occurrences of the room that overlap any slot, buffers included. One query."""
    if not slots:
        return []
    buffer = room.buffer
    lo = min(s.start for s in slots)
    hi = max(s.end for s in slots) + buffer
    existing = Occurrence.objects.filter(room=room, status__in=statuses, start__lt=hi, block_end__gt=lo)
    if exclude_occurrence is not None:
        existing = existing.exclude(pk=exclude_occurrence)
    rows = list(existing.select_related("booking").order_by("start"))
    conflicts = []
    for slot in slots:
        for row in rows:
            if slot.start < row.block_end and row.start < slot.end + buffer:
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


def booking_create(
    *,
    actor,
    association: Association,
    room: Room,
    title: str,
    start: datetime,
    end: datetime,
    rrule: str = "",
    is_public: bool = True,
    description: str = "",
    cohosts: Iterable[Association] = (),
    category: Category | None = None,
    only_free_dates: bool = False,
    **details,
) -> BookingResult:
    """Book a room once or as a series; nothing is saved when a date collides.

    With only_free_dates the colliding dates are skipped (and returned) instead.
    """
    if not can_book_for(actor, association):
        raise PermissionDenied(_("You may not book for this association."))
    if not room.is_active:
        raise ValidationError({"room": [_("This room does not take bookings.")]})
    tz = room.venue.tz
    slots = expand_or_raise(rrule, start, end, tz)
    cohosts = [c for c in dict.fromkeys(cohosts) if c.pk != association.pk]
    for cohost in cohosts:
        if not cohost.is_approved:
            raise ValidationError(
                {"cohosts": [_("%(name)s is not an approved association.") % {"name": cohost}]}
            )

    try:
        with transaction.atomic():
            room = _lock_room(room)
            errors = rule_violations(slots, room_rules(room, slots[0].start, slots[-1].end), timezone.now())
            if errors:
                raise ValidationError(errors)
            conflicts = find_conflicts(room, slots)
            skipped: list[Conflict] = []
            if conflicts:
                if not only_free_dates:
                    raise BookingConflict(conflicts)
                taken = {c.requested_start for c in conflicts}
                skipped = conflicts
                slots = [s for s in slots if s.start not in taken]
                if not slots:
                    raise BookingConflict(conflicts)

            reason = ""
            if room.requires_approval:
                status = Status.PENDING
            elif find_conflicts(room, slots, statuses=(Status.PENDING,)):
                status = Status.PENDING
                reason = _("Another association has asked for the same time; a coordinator decides.")
            elif _over_fair_share(room, association, slots):
                status = Status.PENDING
                reason = _("This goes beyond the room's weekly hours per association; a coordinator decides.")
            else:
                status = Status.CONFIRMED

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
                Occurrence(
                    booking=booking,
                    room=room,
                    start=s.start,
                    end=s.end,
                    block_end=s.end + room.buffer,
                    recurrence_id=s.start,
                    status=status,
                )
                for s in slots
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
            )
            notifications.after_commit(booking, "confirmed" if status == Status.CONFIRMED else "pending")
            for cohost in cohosts:
                notifications.after_commit(booking, "cohost_invited", association=cohost)
    except IntegrityError as exc:
        if EXCLUSION_CONSTRAINT not in str(exc):
            raise
        # Lost a race the check could not see (another server committed between our
        # check and our insert): the exclusion constraint refused, answer as a conflict.
        raise BookingConflict(find_conflicts(room, slots)) from None
    return BookingResult(booking=booking, skipped=skipped)


def may_manage_booking(user, booking: Booking) -> bool:
    return is_coordinator(user) or can_book_for(user, booking.association)


def _refresh_status(booking: Booking) -> None:
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
    if not may_manage_booking(actor, booking):
        raise PermissionDenied(_("You may not cancel bookings of this association."))
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    active = booking.occurrences.exclude(status__in=(Status.CANCELLED, Status.DECLINED))
    if occurrence is not None:
        targets = [_occurrence_at(booking, occurrence, "occurrence")]
        targets = [o for o in targets if o.status not in (Status.CANCELLED, Status.DECLINED)]
        scope = "occurrence"
    elif from_start is not None:
        first = _occurrence_at(booking, from_start, "from")
        targets = list(active.filter(start__gte=first.start))
        scope = "from"
    else:
        targets = list(active.filter(end__gt=timezone.now()))
        scope = "series"
    if targets:
        Occurrence.objects.filter(pk__in=[o.pk for o in targets]).update(
            status=Status.CANCELLED, updated_at=timezone.now()
        )
        _refresh_status(booking)
        audit(
            actor,
            "booking.cancelled",
            booking=booking,
            message=reason,
            scope=scope,
            dates=[o.start.isoformat() for o in targets],
        )
        notifications.after_commit(booking, "cancelled", occurrences=targets)
    return targets


@transaction.atomic
def cohost_respond(*, actor, booking: Booking, association: Association, accept: bool) -> CoHost:
    """An admin of an invited association accepts or declines co-hosting."""
    if not (is_admin_of(actor, association) or is_coordinator(actor)):
        raise PermissionDenied(_("Only an admin of the invited association may answer."))
    cohost = CoHost.objects.select_for_update().filter(booking=booking, association=association).first()
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
    """A coordinator confirms pending dates (all, or some of a series); never into an overlap."""
    if not is_coordinator(actor):
        raise PermissionDenied(_("Only coordinators approve bookings."))
    try:
        with transaction.atomic():
            room = _lock_room(booking.room) if booking.room_id else None
            pending = booking.occurrences.select_for_update().filter(status=Status.PENDING)
            if occurrence_ids is not None:
                pending = pending.filter(pk__in=list(occurrence_ids))
            targets = list(pending)
            if room is not None:
                conflicts = find_conflicts(room, [Slot(o.start, o.end) for o in targets])
                if conflicts:
                    raise BookingConflict(conflicts)
            Occurrence.objects.filter(pk__in=[o.pk for o in targets]).update(
                status=Status.CONFIRMED, updated_at=timezone.now()
            )
            booking.status_reason = message
            booking.save(update_fields=["status_reason"])
            _refresh_status(booking)
            audit(actor, "booking.approved", booking=booking, message=message, dates=len(targets))
            notifications.after_commit(booking, "approved", occurrences=targets, message=message)
    except IntegrityError as exc:
        if EXCLUSION_CONSTRAINT not in str(exc):
            raise
        raise BookingConflict(find_conflicts(booking.room, [Slot(o.start, o.end) for o in targets])) from None
    return targets


@transaction.atomic
def booking_decline(
    *, actor, booking: Booking, reason: str, occurrence_ids: Iterable[int] | None = None
) -> list[Occurrence]:
    if not is_coordinator(actor):
        raise PermissionDenied(_("Only coordinators decline bookings."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Tell the association why.")]})
    pending = booking.occurrences.select_for_update().filter(status=Status.PENDING)
    if occurrence_ids is not None:
        pending = pending.filter(pk__in=list(occurrence_ids))
    targets = list(pending)
    Occurrence.objects.filter(pk__in=[o.pk for o in targets]).update(
        status=Status.DECLINED, updated_at=timezone.now()
    )
    booking.status_reason = reason
    booking.save(update_fields=["status_reason"])
    _refresh_status(booking)
    audit(actor, "booking.declined", booking=booking, message=reason, dates=len(targets))
    notifications.after_commit(booking, "declined", occurrences=targets, message=reason)
    return targets


def occurrence_move(*, actor, occurrence: Occurrence, start: datetime, end: datetime) -> Occurrence:
    """Move one date; the series keeps its rule and the feed shows a RECURRENCE-ID override."""
    booking = occurrence.booking
    if not may_manage_booking(actor, booking):
        raise PermissionDenied(_("You may not change bookings of this association."))
    tz = booking.room.venue.tz if booking.room_id else timezone.get_default_timezone()
    slots = expand_or_raise("", start, end, tz)
    try:
        with transaction.atomic():
            if booking.room_id:
                room = _lock_room(booking.room)
                errors = rule_violations(slots, room_rules(room, start, end), timezone.now())
                if errors:
                    raise ValidationError(errors)
                conflicts = find_conflicts(room, slots, exclude_occurrence=occurrence.pk)
                if conflicts:
                    raise BookingConflict(conflicts)
            occurrence.start = start
            occurrence.end = end
            occurrence.block_end = end + (booking.room.buffer if booking.room_id else timedelta(0))
            occurrence.save()
            Booking.objects.filter(pk=booking.pk).update(
                sequence=booking.sequence + 1, updated_at=timezone.now()
            )
            audit(actor, "occurrence.moved", booking=booking, start=start.isoformat(), end=end.isoformat())
            notifications.after_commit(booking, "moved", occurrences=[occurrence])
    except IntegrityError as exc:
        if EXCLUSION_CONSTRAINT not in str(exc):
            raise
        raise BookingConflict(find_conflicts(booking.room, slots, exclude_occurrence=occurrence.pk)) from None
    return occurrence
