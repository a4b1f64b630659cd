"""Queueing for a taken slot, offers when it frees up, and the expiry worker."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association
from audit.services import audit
from booking import permissions
from booking.models import Booking, Occurrence, Status
from booking.overlap import collides, overlaps
from booking.recurrence import Slot
from booking.services import (
    BookingConflict,
    booking_create,
    find_conflicts,
)
from venues.models import Room

from .. import notifications
from ..models import Proposal, WaitlistEntry
from .common import lock_skipping_locked

OFFER_HOURS = 24


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
        locked = lock_skipping_locked(Room.objects.filter(pk=room.pk).select_related("venue")).first()
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
        expires = entry.offer_expires_at  # set whenever the entry is offered
        if entry.status != WaitlistEntry.Status.OFFERED or expires is None or expires <= timezone.now():
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
            lock_skipping_locked(
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
        stale = lock_skipping_locked(
            WaitlistEntry.objects.filter(status=WaitlistEntry.Status.WAITING, start__lte=now)
        )
        counts["expired_entries"] = WaitlistEntry.objects.filter(
            pk__in=list(stale.values_list("pk", flat=True))
        ).update(status=WaitlistEntry.Status.EXPIRED)
        old = lock_skipping_locked(Proposal.objects.filter(status=Proposal.Status.PROPOSED, start__lte=now))
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
