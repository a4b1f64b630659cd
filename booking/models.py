from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from associations.models import Association
from venues.models import Room

from .constraints import PostgresCheckConstraint, PostgresExclusionConstraint
from .overlap import block_end

# No date lasts longer: longer than any room allows (Room.max_booking_minutes, 12 h by default)
# or an off-site multi-day event needs. Range reads rely on it: a date overlapping [a, b)
# starts after a - MAX_DATE_LENGTH, which bounds the scan of the start index from below.
MAX_DATE_LENGTH = timedelta(days=31)


def buffer_of(room: Room | None) -> timedelta:
    """The turnaround a room keeps free after each booking; none for an event held elsewhere."""
    return room.buffer if room is not None else timedelta(0)


class _Span(Protocol):
    # booking.recurrence.Slot, or anything else with a start and an end.
    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = models.DateTimeField()  # only used inside the PostgreSQL constraint


class Category(models.Model):
    slug = models.SlugField(unique=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "fi")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_fi


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("everyone")
    CHILDREN = "children", _("children")
    YOUTH = "youth", _("youth")
    ADULTS = "adults", _("adults")
    SENIORS = "seniors", _("seniors")


class Status(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    PENDING = "pending", _("waiting for approval")
    DECLINED = "declined", _("declined")
    CANCELLED = "cancelled", _("cancelled")


class Booking(models.Model):
    """A one-off booking or a series; its dates live in Occurrence rows."""

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("association")
    )
    room = models.ForeignKey(
        Room,
        on_delete=models.PROTECT,
        related_name="bookings",
        null=True,
        blank=True,
        verbose_name=_("room"),
        help_text=_("Empty for an event held elsewhere."),
    )
    location = models.CharField(_("place, when not in a room"), max_length=300, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_public = models.BooleanField(_("public event"), default=True)
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("category")
    )
    audience = models.CharField(_("audience"), max_length=10, choices=Audience, default=Audience.EVERYONE)
    accessibility_notes = models.TextField(_("accessibility"), blank=True)
    is_free = models.BooleanField(_("free of charge"), default=True)
    registration_required = models.BooleanField(_("sign-up required"), default=False)
    remote_url = models.URLField(_("link for remote participation"), blank=True)
    # A link, not an upload: app servers share no disk, and associations already publish
    # their pictures on their own sites or the municipality's image bank.
    image_url = models.URLField(_("image address"), max_length=500, blank=True)
    image_alt = models.CharField(_("image description"), max_length=300, blank=True)
    expected_attendance = models.PositiveIntegerField(_("expected participants"), null=True, blank=True)
    rrule = models.CharField(_("recurrence rule (RFC 5545)"), max_length=500, blank=True)
    start = models.DateTimeField(_("first start"))
    end = models.DateTimeField(_("first end"))
    status = models.CharField(_("status"), max_length=10, choices=Status, db_index=True)
    status_reason = models.TextField(_("reason"), blank=True)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE, raised on change")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="booking_end_after_start"),
            # Screen reader users must learn what the picture shows (WCAG 1.1.1).
            models.CheckConstraint(
                condition=Q(image_url="") | ~Q(image_alt=""), name="booking_image_has_description"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("booking:detail", args=[self.pk])


class Occurrence(models.Model):
    """One date of a booking in one room: the unit that conflicts are checked on."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="occurrences")
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="occurrences", null=True, blank=True
    )
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField()
    # end plus the room's turnaround buffer: the span nobody else may book.
    block_end = models.DateTimeField()
    # The date as the series rule generated it (iCalendar RECURRENCE-ID); differs from start when moved.
    recurrence_id = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status, db_index=True)
    attendance = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    unused = models.BooleanField(_("booked but not used"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("date")
        verbose_name_plural = _("dates")
        indexes = [models.Index(fields=["room", "start", "end"], name="occ_room_time")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="occurrence_end_after_start"),
            models.CheckConstraint(condition=Q(block_end__gte=F("end")), name="occurrence_block_covers_end"),
            PostgresCheckConstraint(
                condition=Q(end__lte=F("start") + MAX_DATE_LENGTH), name="occurrence_at_most_max_length"
            ),
            models.UniqueConstraint(
                fields=["booking", "room", "recurrence_id"], name="occurrence_unique_per_date"
            ),
            # The guarantee: a room never has two overlapping confirmed dates. Half-open
            # ranges, so back-to-back is fine; block_end carries the turnaround buffer.
            PostgresExclusionConstraint(
                name="occurrence_no_overlap_confirmed",
                expressions=[
                    ("room", RangeOperators.EQUAL),
                    (TsTzRange("start", "block_end", models.Value("[)")), RangeOperators.OVERLAPS),
                ],
                condition=Q(status="confirmed", room__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking.title} {self.start:%Y-%m-%d %H:%M}"

    @classmethod
    def for_date(
        cls,
        *,
        booking: Booking,
        room: Room | None,
        start: datetime,
        end: datetime,
        status: str,
        recurrence_id: datetime | None = None,
        **more,
    ) -> Occurrence:
        """An unsaved row for one date in one room, block_end included: every caller builds
        date rows here (services, series, seed_demo), so the buffer rule lives in one place."""
        return cls(
            booking=booking,
            room=room,
            start=start,
            end=end,
            block_end=block_end(end, buffer_of(room)),
            recurrence_id=recurrence_id or start,
            status=status,
            **more,
        )

    @classmethod
    def for_dates(
        cls, *, booking: Booking, slots: Iterable[_Span], rooms: Sequence[Room | None], status: str
    ) -> list[Occurrence]:
        """A row for every date in every room (a multi-room event is a row per room)."""
        return [
            cls.for_date(booking=booking, room=room, start=s.start, end=s.end, status=status)
            for s in slots
            for room in rooms
        ]


class CoHost(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("invited")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="cohosts")
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="cohostings")
    status = models.CharField(max_length=10, choices=Status, default=Status.INVITED)
    invited_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["invited_at"]
        verbose_name = _("co-host")
        verbose_name_plural = _("co-hosts")
        constraints = [
            models.UniqueConstraint(fields=["booking", "association"], name="cohost_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.association} ({self.status})"


class CalendarChange(models.Model):
    """One logged write to a table the calendar shows; written only by database triggers.

    See booking/changes.py: MAX(id) versions the cached feeds, MAX(lm) is their Last-Modified.
    """

    txn = models.CharField(max_length=64)
    stamp = models.CharField(max_length=32, blank=True)  # SQLite: the statement's 'now', to log once
    lm = models.BigIntegerField(db_index=True)  # Unix seconds, strictly rising per transaction; 0 after

    class Meta:
        verbose_name = _("calendar change")
        verbose_name_plural = _("calendar changes")

    def __str__(self) -> str:
        return f"{self.pk} {self.lm}"
