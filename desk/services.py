"""Decisions of the coordinator desk. Each takes the acting user, runs in one transaction,
lands in the audit trail and notifies the associations after the commit.

Conflict logic is not repeated here: approving, declining, cancelling and booking go
through booking.services, whose room lock and PostgreSQL exclusion constraint are the
guarantee that a room never gets two overlapping confirmed dates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association
from associations.permissions import is_coordinator
from audit.services import audit
from booking import permissions
from booking.models import Booking, Occurrence, Status
from booking.overlap import block_end, collides, overlaps
from booking.recurrence import Slot, localize
from booking.rules import rule_violations
from booking.services import (
    BookingConflict,
    booking_approve,
    booking_cancel,
    booking_create,
    booking_decline,
    find_conflicts,
    room_rules,
)
from venues.models import Closure, Room, Venue

from . import notifications
from .grouping import candidate_starts, first_free
from .models import Proposal, WaitlistEntry

OFFER_HOURS = 24
# How far from the requested time the desk looks for an alternative in the same room.
ALTERNATIVE_REACH = timedelta(days=7)
ALTERNATIVE_STEP = timedelta(minutes=30)


class Others:
    """What happens to the requests that compete with an approved one."""

    DECLINE = "decline"
    PROPOSE = "propose"


def _require_coordinator(actor) -> None:
    if not is_coordinator(actor):
        raise PermissionDenied(_("Only coordinators decide on bookings."))


def _lock(queryset):
    # skip_locked lets several expiry workers share the work on PostgreSQL; SQLite has no
    # row locks, its IMMEDIATE transactions serialise the writers instead.
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset


# --- approving, with what happens to the competitors -----------------------------------


def rivals_of(occurrences: Sequence[Occurrence]) -> list[Occurrence]:
    """Pending dates of other bookings that overlap the given dates in the same room. One query."""
    rows = [o for o in occurrences if o.room_id]
    if not rows:
        return []
    query = Q()
    for o in rows:
        query |= Q(room_id=o.room_id, start__lt=o.block_end, block_end__gt=o.start)
    booking_ids = {o.booking_id for o in rows}
    return list(
        Occurrence.objects.filter(query, status=Status.PENDING)
        .exclude(booking_id__in=booking_ids)
        .select_related("booking__association", "room__venue")
        .order_by("start", "pk")
    )


def booking_approve_resolving(
    *,
    actor,
    booking: Booking,
    occurrence_ids: Iterable[int] | None = None,
    message: str = "",
    others: str = Others.DECLINE,
    others_message: str = "",
    whole_series: bool = False,
) -> tuple[list[Occurrence], list[Occurrence], list[Proposal]]:
    """Approve dates and settle the requests they beat: decline them, or offer each the nearest free slot.

    `message` goes to the approved association only; the others hear `others_message`, or a
    plain default, never the note written for someone else. With whole_series every waiting
    date of the booking is approved, and a competing series is settled as a whole: all its
    waiting dates declined, or all offered the nearest free time (each keeping its distance
    from the first), declined when no such time holds for every date.

    Returns (approved dates, declined rivals, proposals made). All in one transaction:
    if any step fails, nothing is approved.
    """
    _require_coordinator(actor)
    declined: list[Occurrence] = []
    proposals: list[Proposal] = []
    with transaction.atomic():
        if booking.room_id:
            # The same room lock booking_approve takes, taken first so that "still waiting?"
            # is answered after any concurrent decision on this room has committed.
            Room.objects.select_for_update().filter(pk=booking.room_id).first()
        waiting = booking.occurrences.filter(status=Status.PENDING)
        if occurrence_ids is not None:
            occurrence_ids = list(occurrence_ids)
            waiting = waiting.filter(pk__in=occurrence_ids)
        if not waiting.exists():
            raise ValidationError(_("These dates have already been decided."))
        if whole_series:
            occurrence_ids = None
        approved = booking_approve(
            actor=actor, booking=booking, occurrence_ids=occurrence_ids, message=message
        )
        rivals = rivals_of(approved)
        if whole_series:
            return approved, *_settle_series(actor, rivals, others, others_message)
        to_decline: dict[int, list[Occurrence]] = defaultdict(list)
        taken: list[tuple[datetime, datetime]] = []
        for rival in rivals:
            alternative = None
            if others == Others.PROPOSE:
                alternative = nearest_alternative(rival, also_busy=taken)
            if alternative is None:
                to_decline[rival.booking_id].append(rival)
                continue
            room, start, end = alternative
            taken.append((start, end + room.buffer) if room.pk == rival.room_id else (start, start))
            proposals.append(
                proposal_create(
                    actor=actor,
                    booking=rival.booking,
                    occurrences=[rival],
                    room=room,
                    start=start,
                    end=end,
                    message=others_message or OFFER_NOTE(),
                )
            )
        for dates in to_decline.values():
            declined += booking_decline(
                actor=actor,
                booking=dates[0].booking,
                reason=others_message or DECLINE_NOTE(),
                occurrence_ids=[o.pk for o in dates],
            )
    return approved, declined, proposals


def DECLINE_NOTE() -> str:  # noqa: N802 - a translated constant, read when used
    return _("Another request for the same time was approved.")


def OFFER_NOTE() -> str:  # noqa: N802
    return _("Another request for this time was approved. Would this time suit you instead?")


def _settle_series(
    actor, rivals: Sequence[Occurrence], others: str, others_message: str
) -> tuple[list[Occurrence], list[Proposal]]:
    """Each competing booking as a whole: every waiting date declined, or all offered one move."""
    declined: list[Occurrence] = []
    proposals: list[Proposal] = []
    bookings = {o.booking_id: o.booking for o in rivals}
    offered: list[tuple[int, datetime, datetime]] = []  # never offer one free time to two series
    for booking_id in sorted(bookings):
        rival = bookings[booking_id]
        dates = list(
            rival.occurrences.filter(status=Status.PENDING).select_related("room__venue").order_by("start")
        )
        if not dates:
            continue
        if others == Others.PROPOSE:
            alternative = nearest_alternative(
                dates[0],
                also_busy=[(a, b + dates[0].room.buffer) for r, a, b in offered if r == dates[0].room_id],
            )
            if alternative is not None and any(
                r == alternative[0].pk and a < alternative[2] and alternative[1] < b for r, a, b in offered
            ):
                alternative = None
            if alternative is not None:
                room, start, end = alternative
                try:
                    with transaction.atomic():
                        proposals.append(
                            proposal_create(
                                actor=actor,
                                booking=rival,
                                occurrences=dates,
                                room=room,
                                start=start,
                                end=end,
                                message=others_message or OFFER_NOTE(),
                            )
                        )
                    offered.append((room.pk, start, end))
                    continue
                except (ValidationError, BookingConflict):
                    pass  # the move does not hold for every date: the series is declined instead
        declined += booking_decline(
            actor=actor,
            booking=rival,
            reason=others_message or DECLINE_NOTE(),
            occurrence_ids=[o.pk for o in dates],
        )
    return declined, proposals


def nearest_alternative(
    occurrence: Occurrence,
    *,
    also_busy: Sequence[tuple[datetime, datetime]] = (),
    now: datetime | None = None,
) -> tuple[Room, datetime, datetime] | None:
    """The same time in another fitting room of the venue, else the nearest free time in the same room.

    "Free" means no confirmed or pending date there and the room's rules allow it.
    """
    now = now or timezone.now()
    room = occurrence.room
    length = occurrence.end - occurrence.start
    need = occurrence.booking.expected_attendance or 0
    slot = [Slot(occurrence.start, occurrence.end)]
    busy_statuses = (Status.CONFIRMED, Status.PENDING)
    others = Room.objects.filter(venue_id=room.venue_id, is_active=True, capacity__gte=need).exclude(
        pk=room.pk
    )
    for other in others.select_related("venue").order_by("-capacity", "pk"):
        if find_conflicts(other, slot, statuses=busy_statuses):
            continue
        if not rule_violations(slot, room_rules(other, occurrence.start, occurrence.end), now):
            return other, occurrence.start, occurrence.end
    lo, hi = occurrence.start - ALTERNATIVE_REACH, occurrence.end + ALTERNATIVE_REACH
    busy = list(
        Occurrence.objects.filter(room=room, status__in=busy_statuses, start__lt=hi, block_end__gt=lo)
        .exclude(pk=occurrence.pk)
        .values_list("start", "block_end")
    ) + list(also_busy)
    rules = room_rules(room, lo, hi)

    def allowed(start: datetime, end: datetime) -> bool:
        return start > now and not rule_violations([Slot(start, end)], rules, now)

    candidates = candidate_starts(occurrence.start, step=ALTERNATIVE_STEP, reach=ALTERNATIVE_REACH)
    start = first_free(candidates[1:], length, busy, room.buffer, allowed)
    if start is None:
        return None
    return room, start, start + length


# --- proposals ----------------------------------------------------------------------


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
    _require_coordinator(actor)
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
        raise PermissionDenied(
            _("Only an admin of the association, or whoever made the booking, may do this.")
        )
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


# --- closures -----------------------------------------------------------------------


def closure_hits(*, venue: Venue, room: Room | None, start: datetime, end: datetime) -> list[Occurrence]:
    """Confirmed and pending dates the closure would fall on. One query."""
    rooms = Q(room=room) if room is not None else Q(room__venue=venue)
    return list(
        Occurrence.objects.filter(
            rooms, status__in=(Status.CONFIRMED, Status.PENDING), start__lt=end, end__gt=start
        )
        .select_related("booking__association", "room__venue")
        .order_by("start", "pk")
    )


@dataclass
class ClosureResult:
    closure: Closure
    cancelled: list[Occurrence]
    declined: list[Occurrence]
    alternatives: dict[int, list[Room]]  # occurrence id → rooms free at the same time


def _free_rooms(venue: Venue, closed: Room | None, hits: Sequence[Occurrence], now: datetime):
    """For each hit, the venue's other open rooms free at the same time. A few queries per room."""
    if closed is None or not hits:
        return {}
    lo, hi = min(o.start for o in hits), max(o.block_end for o in hits)
    result: dict[int, list[Room]] = defaultdict(list)
    for other in venue.rooms.filter(is_active=True).exclude(pk=closed.pk).select_related("venue"):
        busy = list(
            Occurrence.objects.filter(
                room=other, status__in=(Status.CONFIRMED, Status.PENDING), start__lt=hi, block_end__gt=lo
            ).values_list("start", "block_end")
        )
        rules = room_rules(other, lo, hi)
        for o in hits:
            if collides(o.start, o.end, other.buffer, busy):
                continue
            if not rule_violations([Slot(o.start, o.end)], rules, now):
                result[o.pk].append(other)
    return result


@transaction.atomic
def closure_create(
    *, actor, venue: Venue, room: Room | None, start: datetime, end: datetime, reason: str
) -> ClosureResult:
    """Close the venue or a room; cancel confirmed and decline pending dates under it, and tell them."""
    _require_coordinator(actor)
    if end <= start:
        raise ValidationError({"end": [_("The end must be after the start.")]})
    if room is not None and room.venue_id != venue.pk:
        raise ValidationError({"room": [_("Choose a room of this venue.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Tell the associations why.")]})
    closure = Closure.objects.create(venue=venue, room=room, start=start, end=end, reason=reason)
    hits = closure_hits(venue=venue, room=room, start=start, end=end)
    now = timezone.now()
    alternatives = _free_rooms(venue, room, hits, now)
    cancelled: list[Occurrence] = []
    declined: list[Occurrence] = []
    by_booking: dict[int, list[Occurrence]] = defaultdict(list)
    for o in hits:
        by_booking[o.booking_id].append(o)
    for dates in by_booking.values():
        booking = dates[0].booking
        pending = [o for o in dates if o.status == Status.PENDING]
        if pending:
            declined += booking_decline(
                actor=actor, booking=booking, reason=reason, occurrence_ids=[o.pk for o in pending]
            )
        for o in dates:
            if o.status == Status.CONFIRMED:
                cancelled += booking_cancel(actor=actor, booking=booking, occurrence=o.start, reason=reason)
    audit(
        actor,
        "closure.created",
        message=reason,
        closure=closure.pk,
        venue=venue.pk,
        room=room.pk if room else None,
        start=start.isoformat(),
        end=end.isoformat(),
        cancelled=len(cancelled),
        declined=len(declined),
    )
    rows_by_association: dict[int, list[dict]] = defaultdict(list)
    associations: dict[int, Association] = {}
    for o in hits:
        associations[o.booking.association_id] = o.booking.association
        rows_by_association[o.booking.association_id].append(
            {
                "title": o.booking.title,
                "room": o.room.name,
                "start": o.start,
                "end": o.end,
                "alternatives": [r.name for r in alternatives.get(o.pk, [])],
            }
        )
    for association_id, rows in rows_by_association.items():
        notifications.after_commit(
            associations[association_id],
            "closure",
            title=reason,
            tz=venue.time_zone,
            venue=venue.name,
            reason=reason,
            rows=rows,
        )
    return ClosureResult(closure=closure, cancelled=cancelled, declined=declined, alternatives=alternatives)


# --- waitlist -----------------------------------------------------------------------


@transaction.atomic
def waitlist_join(
    *, actor, association: Association, room: Room, start: datetime, end: datetime, title: str
) -> WaitlistEntry:
    """Queue for a taken slot; a free one should simply be booked."""
    if not permissions.may_book_for(actor, association):
        raise PermissionDenied(_("You may not book for this association."))
    if end <= start:
        raise ValidationError({"end": [_("The end must be after the start.")]})
    if start <= timezone.now():
        raise ValidationError({"start": [_("This time is in the past.")]})
    if not find_conflicts(room, [Slot(start, end)]):
        raise ValidationError({"start": [_("This time is free: book it directly.")]})
    if WaitlistEntry.objects.filter(
        association=association,
        room=room,
        start=start,
        end=end,
        status__in=(WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED),
    ).exists():
        raise ValidationError(_("Your association is already waiting for this time."))
    entry = WaitlistEntry.objects.create(
        room=room, start=start, end=end, association=association, user=actor, title=title
    )
    audit(
        actor,
        "waitlist.joined",
        association=association,
        entry=entry.pk,
        room=room.pk,
        start=start.isoformat(),
        end=end.isoformat(),
    )
    return entry


def offer_freed_slots(*, room: Room, start: datetime, end: datetime, now: datetime | None = None):
    """Offer each free slot in [start, end) of the room to the first in line for it.

    Idempotent: a slot already on offer is not offered twice, and a worker that finds the
    room locked by another one leaves it to that one (skip_locked on PostgreSQL).
    """
    now = now or timezone.now()
    offered: list[WaitlistEntry] = []
    with transaction.atomic():
        locked = _lock(Room.objects.filter(pk=room.pk).select_related("venue")).first()
        if locked is None:
            return offered  # another worker holds this room right now
        room = locked
        window = WaitlistEntry.objects.filter(room=room, start__lt=end, end__gt=start, start__gt=now)
        waiting = list(window.filter(status=WaitlistEntry.Status.WAITING).order_by("created_at", "pk"))
        if not waiting:
            return offered
        held = list(
            window.filter(status=WaitlistEntry.Status.OFFERED, offer_expires_at__gt=now).values_list(
                "start", "end"
            )
        )
        lo, hi = min(e.start for e in waiting), max(e.end for e in waiting)
        busy = list(
            Occurrence.objects.filter(
                room=room, status=Status.CONFIRMED, start__lt=hi + room.buffer, block_end__gt=lo
            ).values_list("start", "block_end")
        )
        for entry in waiting:
            if collides(entry.start, entry.end, room.buffer, busy):
                continue
            if any(overlaps(entry.start, entry.end, s, e) for s, e in held):
                continue
            entry.status = WaitlistEntry.Status.OFFERED
            entry.offered_at = now
            # Never beyond the slot's own start: an offer for a past time is no offer.
            entry.offer_expires_at = min(now + timedelta(hours=OFFER_HOURS), entry.start)
            entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
            held.append((entry.start, entry.end))
            offered.append(entry)
            audit(None, "waitlist.offered", association=entry.association, entry=entry.pk)
            notifications.after_commit(
                entry.association,
                "waitlist_offer",
                title=entry.title,
                extra_to=(entry.user.email,),
                tz=room.venue.time_zone,
                room=str(room),
                start=entry.start,
                end=entry.end,
                expires=entry.offer_expires_at,
                url="/my/waitlist/",
            )
    return offered


def _own_entry(actor, entry: WaitlistEntry) -> WaitlistEntry:
    if not (entry.user_id == actor.pk or permissions.may_book_for(actor, entry.association)):
        raise PermissionDenied(_("This is not your association's waitlist entry."))
    return (
        WaitlistEntry.objects.select_for_update()
        .select_related("room__venue", "association")
        .get(pk=entry.pk)
    )


def waitlist_accept(*, actor, entry: WaitlistEntry) -> Booking | None:
    """Book an offered slot; None (and the offer lapses) when someone else booked it meanwhile."""
    with transaction.atomic():
        entry = _own_entry(actor, entry)
        if entry.status != WaitlistEntry.Status.OFFERED or entry.offer_expires_at <= timezone.now():
            raise ValidationError(_("This offer is no longer open."))
        try:
            with transaction.atomic():
                result = booking_create(
                    actor=actor,
                    association=entry.association,
                    room=entry.room,
                    title=entry.title,
                    start=entry.start,
                    end=entry.end,
                )
        except BookingConflict:
            entry.status = WaitlistEntry.Status.EXPIRED
            entry.save(update_fields=["status"])
            audit(actor, "waitlist.taken", association=entry.association, entry=entry.pk)
            return None
        entry.status = WaitlistEntry.Status.ACCEPTED
        entry.booking = result.booking
        entry.save(update_fields=["status", "booking"])
        audit(actor, "waitlist.accepted", booking=result.booking, entry=entry.pk)
    return result.booking


def waitlist_cancel(*, actor, entry: WaitlistEntry) -> WaitlistEntry:
    """Leave the line; an offer turned down passes to the next in line at once."""
    with transaction.atomic():
        entry = _own_entry(actor, entry)
        if entry.status not in (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED):
            raise ValidationError(_("This entry is no longer open."))
        was_offered = entry.status == WaitlistEntry.Status.OFFERED
        entry.status = WaitlistEntry.Status.CANCELLED
        entry.save(update_fields=["status"])
        audit(actor, "waitlist.cancelled", association=entry.association, entry=entry.pk)
        if was_offered:
            offer_freed_slots(room=entry.room, start=entry.start, end=entry.end)
    return entry


def expire_offers(*, now: datetime | None = None) -> dict[str, int]:
    """Lapse old offers and stale entries, then offer every freed slot. Safe to run anywhere, any time."""
    now = now or timezone.now()
    counts = {"expired_offers": 0, "expired_entries": 0, "expired_proposals": 0, "offered": 0}
    with transaction.atomic():
        lapsed = list(
            _lock(
                WaitlistEntry.objects.filter(
                    status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now
                ).select_related("association")
            )
        )
        WaitlistEntry.objects.filter(pk__in=[e.pk for e in lapsed]).update(
            status=WaitlistEntry.Status.EXPIRED
        )
        for entry in lapsed:
            audit(None, "waitlist.offer_expired", association=entry.association, entry=entry.pk)
        counts["expired_offers"] = len(lapsed)
        stale = _lock(WaitlistEntry.objects.filter(status=WaitlistEntry.Status.WAITING, start__lte=now))
        counts["expired_entries"] = WaitlistEntry.objects.filter(
            pk__in=list(stale.values_list("pk", flat=True))
        ).update(status=WaitlistEntry.Status.EXPIRED)
        old = _lock(Proposal.objects.filter(status=Proposal.Status.PROPOSED, start__lte=now))
        counts["expired_proposals"] = Proposal.objects.filter(
            pk__in=list(old.values_list("pk", flat=True))
        ).update(status=Proposal.Status.EXPIRED)
    # Each room in its own transaction: one busy room does not hold up the others.
    spans = (
        WaitlistEntry.objects.filter(status=WaitlistEntry.Status.WAITING, start__gt=now)
        .values_list("room_id", "start", "end")
        .order_by("room_id")
    )
    windows: dict[int, tuple[datetime, datetime]] = {}
    for room_id, start, end in spans:
        lo, hi = windows.get(room_id, (start, end))
        windows[room_id] = (min(lo, start), max(hi, end))
    rooms = Room.objects.in_bulk(list(windows))
    for room_id, (lo, hi) in windows.items():
        counts["offered"] += len(offer_freed_slots(room=rooms[room_id], start=lo, end=hi, now=now))
    return counts
