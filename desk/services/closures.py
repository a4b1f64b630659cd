"""Closing a venue or a room: the dates under it are cancelled or declined, and told."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association
from audit.services import audit
from booking.models import Occurrence, Status
from booking.overlap import collides
from booking.recurrence import Slot
from booking.rules import rule_violations
from booking.services import (
    booking_cancel,
    booking_decline,
    room_rules,
)
from venues.models import Closure, Room, Venue

from .. import notifications
from .common import require_coordinator


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
    require_coordinator(actor, venue_ids=[venue.pk])
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
                "room": o.room.name if o.room is not None else "",  # always set: a closure hits rooms
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
