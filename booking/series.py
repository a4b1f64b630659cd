"""Editing a booking after it is made: its details, its future time pattern, attendance.

Services in the style of booking/services.py: keyword-only, the acting user as argument,
one transaction, audit, e-mails only after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association
from audit.services import audit
from venues.models import Room

from . import notifications, permissions, services
from .models import Booking, Category, CoHost, Occurrence
from .recurrence import canonical_rule

DETAIL_FIELDS = (
    "title",
    "description",
    "is_public",
    "category",
    "audience",
    "remote_url",
    "expected_attendance",
    "accessibility_notes",
    "is_free",
    "registration_required",
    "image_url",
    "image_alt",
)
# What accepted co-hosts may change: the event's public face, not its times or visibility.
PUBLIC_DETAIL_FIELDS = (
    "title",
    "description",
    "category",
    "audience",
    "accessibility_notes",
    "is_free",
    "registration_required",
    "remote_url",
    "image_url",
    "image_alt",
)


def _check_image(details: dict) -> None:
    if details.get("image_url") and not (details.get("image_alt") or "").strip():
        raise ValidationError({"image_alt": [_("Describe the image in a few words.")]})


def booking_update_series(
    *,
    actor,
    booking: Booking,
    title: str,
    description: str = "",
    is_public: bool = True,
    category: Category | None = None,
    audience: str | None = None,
    remote_url: str = "",
    expected_attendance: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    rrule: str | None = None,
    **more_details,
) -> Booking:
    """Change a booking's details and, with start/end/rrule, its future dates.

    The new pattern replaces every date that has not started yet: those rows are deleted
    and the rule is expanded again from `start`, checked with the same room rules and
    conflict check as booking_create. Past dates stay as they were. All or nothing.
    """
    if not permissions.may_manage(actor, booking):
        raise PermissionDenied(_("You may not change bookings of this association."))
    unknown = set(more_details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"unknown booking details: {sorted(unknown)}")
    _check_image({**booking_image(booking), **more_details})
    new_pattern = start is not None and end is not None
    if new_pattern and booking.room_id is None:
        raise ValidationError({"room": [_("Only bookings of a room have a time pattern to change.")]})
    try:
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(of=("self",))
                .select_related("room__venue")
                .get(pk=booking.pk)
            )
            booking.title = title
            booking.description = description
            booking.is_public = is_public
            booking.category = category
            booking.audience = audience or booking.audience
            booking.remote_url = remote_url
            booking.expected_attendance = expected_attendance
            for name, value in more_details.items():
                setattr(booking, name, value)
            changed: list[Occurrence] = []
            if start is not None and end is not None:  # a new pattern
                changed = _rematerialise(actor, booking, start, end, rrule or "")
            booking.save()
            services.refresh_status(booking)  # also raises the iCalendar SEQUENCE
            audit(
                actor,
                "booking.updated",
                booking=booking,
                pattern=bool(new_pattern),
                rrule=booking.rrule,
                dates=[o.start.isoformat() for o in changed],
            )
            if new_pattern:
                notifications.after_commit(booking, "moved", occurrences=changed)
    except IntegrityError as exc:
        if services.EXCLUSION_CONSTRAINT not in str(exc):
            raise
        # Lost a race to another server's insert: answer as the friendly check would have.
        # Only a new pattern inserts rows, so start, end and the room are there.
        assert start is not None and end is not None and booking.room is not None
        slots = services.expand_or_raise(rrule or "", start, end, booking.room.venue.tz)
        raise services.BookingConflict(services.conflicts_in(booking_rooms(booking), slots)) from None
    return booking


def booking_image(booking: Booking) -> dict:
    return {"image_url": booking.image_url, "image_alt": booking.image_alt}


def event_details_update(*, actor, booking: Booking, **details) -> Booking:
    """Change the event's public details; open to accepted co-hosts as well as the host."""
    if not permissions.may_edit_details(actor, booking):
        raise PermissionDenied(_("Only the hosts of this event may change its details."))
    unknown = set(details) - set(PUBLIC_DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"not public details: {sorted(unknown)}")
    _check_image({**booking_image(booking), **details})
    with transaction.atomic():
        locked = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
        for name, value in details.items():
            setattr(locked, name, value)
        locked.sequence += 1  # calendar apps update the event only when SEQUENCE rises
        locked.save()
        audit(actor, "booking.details_updated", booking=locked, fields=sorted(details))
    return locked


def cohost_invite(*, actor, booking: Booking, associations: Iterable[Association]) -> list[CoHost]:
    """The host invites more associations; each invited admin gets an e-mail after the commit."""
    if not permissions.may_invite_cohosts(actor, booking):
        raise PermissionDenied(permissions.ADMIN_OR_BOOKER_ONLY)
    wanted = services.approved_cohosts(booking.association_id, associations)
    with transaction.atomic():
        already = set(CoHost.objects.filter(booking=booking).values_list("association_id", flat=True))
        created = CoHost.objects.bulk_create(
            CoHost(booking=booking, association=a) for a in wanted if a.pk not in already
        )
        if created:
            Booking.objects.filter(pk=booking.pk).update(
                sequence=F("sequence") + 1, updated_at=timezone.now()
            )
            audit(actor, "cohost.invited", booking=booking, associations=[c.association_id for c in created])
            for cohost in created:
                notifications.after_commit(booking, "cohost_invited", association=cohost.association)
    return created


def booking_rooms(booking: Booking) -> list[Room]:
    """Every room the booking uses: its own and those its dates also take (a multi-room event)."""
    ids = set(booking.occurrences.exclude(room=None).values_list("room_id", flat=True))
    if booking.room_id:
        ids.add(booking.room_id)
    return list(Room.objects.filter(pk__in=ids).select_related("venue").order_by("pk"))


def _rematerialise(actor, booking: Booking, start: datetime, end: datetime, rrule: str) -> list[Occurrence]:
    # Every room keeps its part of the event: a multi-room series is re-made in all its rooms.
    rooms = list(services.lock_rooms(booking_rooms(booking)).values())
    room = next(r for r in rooms if r.pk == booking.room_id)
    now = timezone.now()
    if start < now:
        raise ValidationError({"start": [_("The new pattern must start in the future.")]})
    slots = services.expand_or_raise(rrule, start, end, room.venue.tz)
    # The dates not yet started make way for the new pattern (also cancelled ones, so their
    # recurrence ids do not block the new rows); a failed check below rolls this back.
    booking.occurrences.filter(start__gte=now).delete()
    errors = services.rule_errors(rooms, slots)
    if errors:
        raise ValidationError(errors)
    conflicts = services.conflicts_in(rooms, slots)
    if conflicts:
        raise services.BookingConflict(conflicts)
    kept = set(booking.occurrences.values_list("recurrence_id", flat=True))
    if any(s.start in kept for s in slots):
        raise ValidationError({"start": [_("The new pattern repeats a date that has already been held.")]})

    status, reason = services.initial_status(rooms, booking.association, slots)
    created = Occurrence.objects.bulk_create(
        Occurrence.for_dates(booking=booking, slots=slots, rooms=rooms, status=status)
    )
    booking.rrule = canonical_rule(rrule, room.venue.tz)
    booking.start, booking.end = slots[0].start, slots[0].end
    booking.status_reason = reason
    return [o for o in created if o.room_id == room.pk]


def occurrence_record_attendance(
    *, actor, occurrence: Occurrence, attendance: int, unused: bool = False
) -> Occurrence:
    """How many came to a date that has begun: the booking page's form (one rule, in services)."""
    return services.attendance_record(
        actor=actor,
        booking=occurrence.booking,
        start=occurrence.start,
        participants=attendance,
        unused=unused,
        field_name="attendance",
    )
