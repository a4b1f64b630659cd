"""Seasons: weekly slots applied for by a deadline, allocated by a solver, then booked.

The status a user sees is partly the clock's: a season whose deadline has passed is
`closed` without anybody writing that down, so `Season.status` derives it from the stored
`phase` (what the coordinator did) and `applications_close` (what time it is).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.models import Association
from booking.models import Audience, Booking, Category
from venues.models import Room, Venue

MAX_WISHES = 5


class Season(models.Model):
    class Phase(models.TextChoices):
        OPEN = "open", _("open for applications")
        PROPOSED = "proposed", _("allocation proposed")
        PUBLISHED = "published", _("published")

    name = models.CharField(_("name"), max_length=200)
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="seasons", verbose_name=_("venue")
    )
    rooms = models.ManyToManyField(Room, related_name="seasons", verbose_name=_("rooms"))
    start = models.DateField(_("first date"))
    end = models.DateField(_("last date"))
    applications_close = models.DateTimeField(_("applications close"))
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.OPEN)
    weekly_cap_minutes = models.PositiveIntegerField(
        _("weekly minutes per association"), null=True, blank=True
    )
    # Audiences served first (CONTRACT "while the coordinator has set no priorities"): an
    # application for one of these weighs 1 in the solver's first stage, the others 0.
    priority_audiences = models.JSONField(_("audiences served first"), default=list, blank=True)
    proposal_optimal = models.BooleanField(null=True, blank=True)
    proposal_stages = models.JSONField(default=list, blank=True)
    proposed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "pk"]
        verbose_name = _("season")
        verbose_name_plural = _("seasons")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="season_end_not_before_start"),
            models.CheckConstraint(
                condition=Q(phase__in=["open", "proposed", "published"]), name="season_phase_valid"
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(phase="published"),
                name="season_published_at_only_when_published",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("seasons:detail", args=[self.pk])

    def is_accepting(self, now: datetime | None = None) -> bool:
        return self.phase == self.Phase.OPEN and (now or timezone.now()) < self.applications_close

    @property
    def status(self) -> str:
        """open, closed (deadline passed), proposed or published: as CONTRACT.md names them."""
        if self.phase == self.Phase.OPEN:
            return "open" if self.is_accepting() else "closed"
        return self.phase

    def get_status_display_text(self) -> str:
        return str(STATUS_LABELS[self.status])


STATUS_LABELS = {
    "open": _("open for applications"),
    "closed": _("applications closed"),
    "proposed": _("allocation proposed"),
    "published": _("published"),
}


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        GRANTED = "granted", _("granted")
        REFUSED = "refused", _("refused")

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="applications")
    association = models.ForeignKey(
        Association,
        on_delete=models.PROTECT,
        related_name="season_applications",
        verbose_name=_("association"),
    )
    title = models.CharField(_("what the activity is"), max_length=200)
    group_size = models.PositiveIntegerField(_("group size"))
    is_public = models.BooleanField(_("public event"), default=True)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE
    )
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("category")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("season application")
        verbose_name_plural = _("season applications")
        constraints = [
            models.CheckConstraint(condition=Q(group_size__gte=1), name="application_group_size_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "granted", "refused"]), name="application_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.association}: {self.title}"


class Wish(models.Model):
    """One wanted weekly slot: ISO weekday (1 = Monday) and local wall-clock times of the venue."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="wishes")
    position = models.PositiveSmallIntegerField(_("order"))
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="+", verbose_name=_("room"))
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    start = models.TimeField(_("from"))
    end = models.TimeField(_("to"))

    class Meta:
        ordering = ["application", "position"]
        verbose_name = _("wish")
        verbose_name_plural = _("wishes")
        constraints = [
            models.UniqueConstraint(fields=["application", "position"], name="wish_position_unique"),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=MAX_WISHES), name="wish_position_1_to_5"
            ),
            models.CheckConstraint(condition=Q(weekday__gte=1, weekday__lte=7), name="wish_iso_weekday"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="wish_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.weekday} {self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def text(self) -> str:
        from .wording import slot_text

        return slot_text(self.room, self.weekday, self.start, self.end)


class Outcome(models.Model):
    """The last proposal's decision for one application; at publication, its booking."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="outcome")
    wish = models.PositiveSmallIntegerField(null=True, blank=True)  # None: refused, or a moved slot
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    weekday = models.PositiveSmallIntegerField(null=True, blank=True)
    start = models.TimeField(null=True, blank=True)
    end = models.TimeField(null=True, blank=True)
    # Why: the solver's refusal code, or for a not-first wish what held the better ones.
    code = models.CharField(max_length=30, blank=True)
    blockers = models.JSONField(default=list, blank=True)  # [[wish position, [application ids]], ...]
    wish_reasons = models.JSONField(default=list, blank=True)  # [[wish position, code], ...]
    # One booking per granted application, never two: publishing twice books nothing twice.
    booking = models.OneToOneField(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="season_outcome"
    )
    left_out = models.JSONField(default=list, blank=True)  # [{"start", "reason"}] dates not booked

    class Meta:
        ordering = ["application"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(room__isnull=True, weekday__isnull=True, start__isnull=True, end__isnull=True)
                    | Q(room__isnull=False, weekday__isnull=False, start__isnull=False, end__isnull=False)
                ),
                name="outcome_slot_whole_or_empty",
            ),
            models.CheckConstraint(
                condition=Q(booking__isnull=True) | Q(room__isnull=False), name="outcome_booking_only_granted"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.wish or self.code}"

    @property
    def granted(self) -> bool:
        return self.room_id is not None


class Pin(models.Model):
    """A coordinator's decision the next allocation keeps: grant a wish, refuse, or move."""

    class Kind(models.TextChoices):
        WISH = "wish", _("grant this wish")
        REFUSE = "refuse", _("refuse")
        MOVE = "move", _("move to another time or room")

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="pin")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    wish = models.PositiveSmallIntegerField(null=True, blank=True)
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    weekday = models.PositiveSmallIntegerField(null=True, blank=True)
    start = models.TimeField(null=True, blank=True)
    end = models.TimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="wish", wish__isnull=False)
                    | Q(kind="refuse")
                    | Q(
                        kind="move",
                        room__isnull=False,
                        weekday__isnull=False,
                        start__isnull=False,
                        end__isnull=False,
                    )
                ),
                name="pin_kind_has_its_fields",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.kind}"
