"""Editing a booking after it is made: its details, its future time pattern, attendance.

Services in the style of booking/services.py: keyword-only, the acting user as argument,
one transaction, audit, e-mails only after the commit.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.permissions import can_book_for, is_coordinator

from . import notifications, services
from .models import Booking, Category, Occurrence, Status
from .rules import rule_violations

DETAIL_FIELDS = (
    "title",
    "description",
    "is_public",
    "category",
    "audience",
    "remote_url",
    "expected_attendance",
)


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
) -> Booking:
    """Change a booking's details and, with start/end/rrule, its future dates.

    The new pattern replaces every date that has not started yet: those rows are deleted
    and the rule is expanded again from `start`, checked with the same room rules and
    conflict check as booking_create. Past dates stay as they were. All or nothing.
    """
    if not services.may_manage_booking(actor, booking):
        raise PermissionDenied(_("You may not change bookings of this association."))
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
            changed: list[Occurrence] = []
            if new_pattern:
                changed = _rematerialise(actor, booking, start, end, rrule or "")
            booking.save()
            services._refresh_status(booking)  # also raises the iCalendar SEQUENCE
            services.audit(
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
        slots = services.expand_or_raise(rrule or "", start, end, booking.room.venue.tz)
        raise services.BookingConflict(services.find_conflicts(booking.room, slots)) from None
    return booking


def _rematerialise(actor, booking: Booking, start: datetime, end: datetime, rrule: str) -> list[Occurrence]:
    room = services._lock_room(booking.room)
    now = timezone.now()
    if start < now:
        raise ValidationError({"start": [_("The new pattern must start in the future.")]})
    slots = services.expand_or_raise(rrule, start, end, room.venue.tz)
    # The dates not yet started make way for the new pattern (also cancelled ones, so their
    # recurrence ids do not block the new rows); a failed check below rolls this back.
    booking.occurrences.filter(start__gte=now).delete()
    errors = rule_violations(slots, services.room_rules(room, slots[0].start, slots[-1].end), now)
    if errors:
        raise ValidationError(errors)
    conflicts = services.find_conflicts(room, slots)
    if conflicts:
        raise services.BookingConflict(conflicts)
    kept = set(booking.occurrences.values_list("recurrence_id", flat=True))
    if any(s.start in kept for s in slots):
        raise ValidationError({"start": [_("The new pattern repeats a date that has already been held.")]})

    if room.requires_approval:
        status, reason = Status.PENDING, ""
    elif services.find_conflicts(room, slots, statuses=(Status.PENDING,)):
        status = Status.PENDING
        reason = _("Another association has asked for the same time; a coordinator decides.")
    elif services._over_fair_share(room, booking.association, slots):
        status = Status.PENDING
        reason = _("This goes beyond the room's weekly hours per association; a coordinator decides.")
    else:
        status, reason = Status.CONFIRMED, ""
    created = Occurrence.objects.bulk_create(
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
    booking.rrule = rrule
    booking.start, booking.end = slots[0].start, slots[0].end
    booking.status_reason = reason
    return created


@transaction.atomic
def occurrence_record_attendance(
    *, actor, occurrence: Occurrence, attendance: int, unused: bool = False
) -> Occurrence:
    """How many came to a date that is over; members of the host association record it."""
    booking = occurrence.booking
    if not (is_coordinator(actor) or can_book_for(actor, booking.association)):
        raise PermissionDenied(_("Only the host association records attendance."))
    if occurrence.start > timezone.now():
        raise ValidationError({"attendance": [_("Attendance is recorded after the date.")]})
    if occurrence.status != Status.CONFIRMED:
        raise ValidationError({"attendance": [_("This date did not take place.")]})
    occurrence.attendance = attendance
    occurrence.unused = unused
    occurrence.save(update_fields=["attendance", "unused", "updated_at"])
    services.audit(
        actor,
        "occurrence.attendance",
        booking=booking,
        start=occurrence.start.isoformat(),
        attendance=attendance,
    )
    return occurrence
