"""The audit trail: who did what, when. Every app writes it through audit.services.audit.

The app sits at the bottom of the dependency order and imports none of ours: it names
Booking and Association by their "app.Model" strings, so associations, booking, desk and
the cross-app jobs all write here without importing each other.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did what, when: kept when users are deleted (actor set null)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=50, db_index=True)
    booking = models.ForeignKey(
        "booking.Booking", on_delete=models.SET_NULL, null=True, blank=True, related_name="audit"
    )
    association = models.ForeignKey(
        "associations.Association", on_delete=models.SET_NULL, null=True, blank=True, related_name="audit"
    )
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        # The table keeps the name it had in the booking app: moving the model moved no data.
        db_table = "booking_auditentry"
        ordering = ["-created_at"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
