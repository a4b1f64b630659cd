"""Approving a request, and what happens to the requests it beats."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from booking.models import Booking, Occurrence, Status
from booking.overlap import overlaps
from booking.permissions import booking_venue_id
from booking.recurrence import Slot
from booking.rules import rule_violations
from booking.services import (
    BookingConflict,
    booking_approve,
    booking_decline,
    find_conflicts,
    room_rules,
)
from venues.models import Room

from ..grouping import candidate_starts, first_free
from ..models import Proposal
from .common import require_coordinator
from .proposals import proposal_create

# How far from the requested time the desk looks for an alternative in the same room.
ALTERNATIVE_REACH = timedelta(days=7)
ALTERNATIVE_STEP = timedelta(minutes=30)


class Others:
    """What happens to the requests that compete with an approved one."""

    DECLINE = "decline"
    PROPOSE = "propose"


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
    require_coordinator(actor, venue_ids=[booking_venue_id(booking)])
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
            first_room = dates[0].room
            buffer = first_room.buffer if first_room is not None else timedelta(0)
            alternative = nearest_alternative(
                dates[0],
                also_busy=[(a, b + buffer) for r, a, b in offered if r == dates[0].room_id],
            )
            if alternative is not None and any(
                r == alternative[0].pk and overlaps(a, b, alternative[1], alternative[2])
                for r, a, b in offered
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
    if room is None:
        return None  # a date held elsewhere competes for no room (rivals_of never yields one)
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
