"""A coordinator offers another time or room; the association accepts or declines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit
from booking import permissions
from booking.models import Booking, Occurrence, Status
from booking.overlap import block_end
from booking.recurrence import Slot, localize
from booking.rules import rule_violations
from booking.services import (
    BookingConflict,
    booking_approve,
    find_conflicts,
    room_rules,
)
from venues.models import Room

from .. import notifications
from ..models import Proposal
from .common import require_coordinator


def proposal_targets(proposal: Proposal, *, lock: bool = False) -> list[Occurrence]:
    chosen = list(proposal.occurrences.values_list("pk", flat=True))
    targets = proposal.booking.occurrences.filter(status=Status.PENDING)
    if chosen:
        targets = targets.filter(pk__in=chosen)
    if lock:
        targets = targets.select_for_update()
    return list(targets.order_by("start"))


def moved_slots(targets: Sequence[Occurrence], room: Room, start: datetime, end: datetime) -> list[Slot]:
    """Where each target lands: the first at start/end, the rest keeping their distance from it.

    The distance is kept on the local wall clock, so a weekly 18:00 moved to 17:00 stays
    at 17:00 across a daylight-saving change.
    """
    tz = room.venue.tz
    length = end - start
    first_local = targets[0].start.astimezone(tz).replace(tzinfo=None)
    shift = start.astimezone(tz).replace(tzinfo=None) - first_local
    slots = []
    for o in targets:
        new_start = localize(o.start.astimezone(tz).replace(tzinfo=None) + shift, tz)
        slots.append(Slot(new_start, new_start + length))
    return slots


def _check_slots(room: Room, slots: Sequence[Slot]) -> None:
    errors = rule_violations(slots, room_rules(room, slots[0].start, slots[-1].end), timezone.now())
    if errors:
        raise ValidationError(errors)
    conflicts = find_conflicts(room, slots)
    if conflicts:
        raise BookingConflict(conflicts)


@transaction.atomic
def proposal_create(
    *,
    actor,
    booking: Booking,
    room: Room,
    start: datetime,
    end: datetime,
    occurrences: Sequence[Occurrence] = (),
    message: str = "",
) -> Proposal:
    """Offer the association another time or room for some (or all) of its pending dates."""
    require_coordinator(actor, venue_ids=[permissions.booking_venue_id(booking), room.venue_id])
    if end <= start:
        raise ValidationError({"end": [_("The end must be after the start.")]})
    proposal = Proposal(booking=booking, room=room, start=start, end=end, message=message, created_by=actor)
    chosen = {o.pk for o in occurrences}
    targets = list(booking.occurrences.filter(status=Status.PENDING).order_by("start"))
    if chosen:
        targets = [o for o in targets if o.pk in chosen]
    if not targets:
        raise ValidationError({"occurrences": [_("Choose at least one date that waits for a decision.")]})
    _check_slots(room, moved_slots(targets, room, start, end))
    proposal.save()
    if chosen:
        proposal.occurrences.set(targets)
    audit(
        actor,
        "proposal.created",
        booking=booking,
        message=message,
        proposal=proposal.pk,
        room=room.pk,
        start=start.isoformat(),
        end=end.isoformat(),
        dates=len(targets),
    )
    notifications.after_commit(
        booking.association,
        "proposal",
        title=booking.title,
        tz=room.venue.time_zone,
        room=str(room),
        start=start,
        end=end,
        message=message,
        dates=[(o.start, o.end) for o in targets],
        url=proposal.get_absolute_url(),
    )
    return proposal


def may_answer(user, proposal: Proposal) -> bool:
    return permissions.may_accept_proposal(user, proposal.booking)


def _open_proposal(actor, proposal: Proposal) -> Proposal:
    if not may_answer(actor, proposal):
        raise PermissionDenied(permissions.ADMIN_OR_BOOKER_ONLY)
    proposal = (
        Proposal.objects.select_for_update().select_related("booking", "room__venue").get(pk=proposal.pk)
    )
    if proposal.status != Proposal.Status.PROPOSED:
        raise ValidationError(_("This proposal has already been answered or has expired."))
    return proposal


def proposal_accept(*, actor, proposal: Proposal) -> list[Occurrence]:
    """Move the pending dates as proposed and confirm them; conflicts are checked again."""
    with transaction.atomic():
        proposal = _open_proposal(actor, proposal)
        booking = proposal.booking
        targets = proposal_targets(proposal, lock=True)
        if not targets:
            raise ValidationError(_("None of these dates waits for a decision any more."))
        room = Room.objects.select_for_update().select_related("venue").get(pk=proposal.room_id)
        slots = moved_slots(targets, room, proposal.start, proposal.end)
        _check_slots(room, slots)
        for o, s in zip(targets, slots, strict=True):
            o.room, o.start, o.end, o.block_end = room, s.start, s.end, block_end(s.end, room.buffer)
        Occurrence.objects.bulk_update(targets, ["room", "start", "end", "block_end"])
        if (
            booking.room_id != room.pk
            and not booking.occurrences.exclude(
                Q(pk__in=[o.pk for o in targets]) | Q(status__in=(Status.CANCELLED, Status.DECLINED))
            ).exists()
        ):
            # Every live date moved: the booking now lives in the new room.
            booking.room = room
            booking.save(update_fields=["room", "updated_at"])
        if not booking.rrule:
            # A series keeps its rule and start; its moved dates are RECURRENCE-ID overrides,
            # as booking.services.occurrence_move leaves them. A single date is the booking.
            Booking.objects.filter(pk=booking.pk).update(start=slots[0].start, end=slots[0].end)
            booking.start, booking.end = slots[0].start, slots[0].end
        # The coordinator approved these dates when proposing; the association's yes completes it.
        try:
            approved = booking_approve(
                actor=proposal.created_by,
                booking=booking,
                occurrence_ids=[o.pk for o in targets],
                message=proposal.message,
            )
        except PermissionDenied:
            raise ValidationError(_("The coordinator who proposed this can no longer approve it.")) from None
        proposal.status = Proposal.Status.ACCEPTED
        proposal.answered_by = actor
        proposal.answered_at = timezone.now()
        proposal.save(update_fields=["status", "answered_by", "answered_at"])
        audit(actor, "proposal.accepted", booking=booking, proposal=proposal.pk, dates=len(approved))
    return approved


@transaction.atomic
def proposal_decline(*, actor, proposal: Proposal, message: str = "") -> Proposal:
    """The association says no; its dates keep waiting in the coordinator's inbox."""
    proposal = _open_proposal(actor, proposal)
    proposal.status = Proposal.Status.DECLINED
    proposal.answered_by = actor
    proposal.answered_at = timezone.now()
    proposal.save(update_fields=["status", "answered_by", "answered_at"])
    audit(actor, "proposal.declined", booking=proposal.booking, message=message, proposal=proposal.pk)
    return proposal
