import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("Unknown time zone: %(value)s"), params={"value": value}) from None


def default_time_zone() -> str:
    return settings.TIME_ZONE


class MunicipalityQuerySet(models.QuerySet):
    def with_venues(self) -> "MunicipalityQuerySet":
        """Those a resident can pick: a municipality without a house has nothing to show."""
        return self.filter(Exists(Venue.objects.filter(municipality=OuterRef("pk"))))


class Municipality(models.Model):
    """Who owns and runs venues: a municipality, or another organiser (a region, a national association).

    One installation may serve many; coordinators can be scoped to one (CoordinatorScope),
    and the public pages and open data can be narrowed to one with ?municipality=ID.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), unique=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Venue(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    # Nullable so an installation (and a test) that never names municipalities keeps working;
    # the migration puts existing venues in one. A venue without one is coordinated nationally.
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="venues",
        verbose_name=_("municipality"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    description = models.TextField(_("description"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    accessibility_notes = models.TextField(_("accessibility"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("venues:venue", args=[self.slug])

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Room(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"))
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity (people)"), default=10)
    equipment = models.TextField(_("equipment"), blank=True)
    step_free_access = models.BooleanField(_("step-free access"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)
    requires_approval = models.BooleanField(_("bookings need a coordinator's approval"), default=False)
    buffer_minutes = models.PositiveIntegerField(_("turnaround minutes between bookings"), default=0)
    min_booking_minutes = models.PositiveIntegerField(_("shortest booking (minutes)"), default=30)
    max_booking_minutes = models.PositiveIntegerField(_("longest booking (minutes)"), default=12 * 60)
    booking_horizon_days = models.PositiveIntegerField(_("how many days ahead one may book"), default=365)
    weekly_hours_limit = models.PositiveIntegerField(
        _("fair share: hours a week per association"),
        null=True,
        blank=True,
        help_text=_("Bookings beyond this wait for a coordinator. Empty: no limit."),
    )
    is_active = models.BooleanField(_("takes bookings"), default=True)

    class Meta:
        ordering = ["venue__name", "name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(fields=["venue", "slug"], name="room_slug_unique_per_venue"),
            models.CheckConstraint(
                condition=Q(max_booking_minutes__gte=F("min_booking_minutes")),
                name="room_max_length_not_below_min",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue.name}: {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("venues:room", args=[self.venue.slug, self.slug])

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """Weekly opening hours of a venue; rows with a room replace the venue's for that room."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="opening_hours")
    room = models.ForeignKey(
        Room, on_delete=models.CASCADE, null=True, blank=True, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="opening_closes_after_opens"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_weekday_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """The venue (or one room) is closed: holidays, renovation."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="closures")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, null=True, blank=True, related_name="closures")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="closure_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({self.start:%Y-%m-%d}–{self.end:%Y-%m-%d})"


class CoordinatorScope(models.Model):
    """Narrows a coordinator to one municipality or one venue (a village society's hall).

    A coordinator (staff user) with no scope rows coordinates the whole installation, as
    every coordinator did before municipalities existed; each row adds what they coordinate.
    The rule is read in venues/permissions.py only.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coordinator_scopes",
        verbose_name=_("coordinator"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coordinator_scopes",
        verbose_name=_("municipality"),
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coordinator_scopes",
        verbose_name=_("venue"),
    )

    class Meta:
        verbose_name = _("coordinator's area")
        verbose_name_plural = _("coordinators' areas")
        constraints = [
            # Exactly one of the two: a row naming neither would mean "everything" by accident.
            models.CheckConstraint(
                condition=Q(municipality__isnull=False, venue__isnull=True)
                | Q(municipality__isnull=True, venue__isnull=False),
                name="coordinator_scope_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "municipality"], name="coordinator_scope_unique_municipality"
            ),
            models.UniqueConstraint(fields=["user", "venue"], name="coordinator_scope_unique_venue"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.municipality or self.venue}"
