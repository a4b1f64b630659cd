"""State of the coordinator desk: proposals of another time or room, and the waitlist."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from associations.models import Association
from booking.models import Booking, Occurrence
from venues.models import Room


class Proposal(models.Model):
    """A coordinator suggests another time or room for pending dates; the association answers."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        EXPIRED = "expired", _("expired")

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("booking")
    )
    # Empty: every pending date of the booking. The first of them moves to start/end and
    # the others keep their distance from it, so a series stays a series.
    occurrences = models.ManyToManyField(
        Occurrence, blank=True, related_name="proposals", verbose_name=_("dates")
    )
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="+", verbose_name=_("room"))
    start = models.DateTimeField(_("new start"))
    end = models.DateTimeField(_("new end"))
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="proposal_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.booking} → {self.room} {self.start:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("desk:proposal", args=[self.pk])


class WaitlistEntry(models.Model):
    """A volunteer waits for a taken slot; when it frees, the first in line gets a timed offer."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        OFFERED = "offered", _("offered")
        ACCEPTED = "accepted", _("accepted")
        EXPIRED = "expired", _("expired")
        CANCELLED = "cancelled", _("cancelled")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="waitlist", verbose_name=_("room"))
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="waitlist", verbose_name=_("association")
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist")
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING, db_index=True
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer valid until"), null=True, blank=True)
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("booking")
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist")
        indexes = [models.Index(fields=["room", "status", "start"], name="waitlist_room_status_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="waitlist_end_after_start"),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="waitlist_offer_has_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.association}: {self.room} {self.start:%Y-%m-%d %H:%M}"
