"""E-mails about bookings, sent only after the transaction that caused them commits."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from associations.language import by_language
from associations.models import Membership
from tupa import mail

from .feeds import booking_calendar
from .models import Booking

log = logging.getLogger(__name__)

# Lazy: each subject is translated when rendered, in the recipient's language (render()).
SUBJECTS = {
    "confirmed": _("Booking confirmed: %(title)s"),
    "pending": _("Booking waiting for approval: %(title)s"),
    "approved": _("Booking approved: %(title)s"),
    "declined": _("Booking declined: %(title)s"),
    "cancelled": _("Booking cancelled: %(title)s"),
    "moved": _("Booking moved: %(title)s"),
    "cohost_invited": _("You are invited to co-host: %(title)s"),
    "cohost_accepted": _("Co-host accepted: %(title)s"),
    "cohost_declined": _("Co-host declined: %(title)s"),
}


def recipients(association) -> list[str]:
    emails = set(
        Membership.objects.filter(association=association, role=Membership.Role.ADMIN)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if association.contact_email:
        emails.add(association.contact_email)
    return sorted(emails)


def send(booking_id: int, event: str, association_id: int | None = None, **context) -> None:
    booking = Booking.objects.select_related("association", "room__venue").get(pk=booking_id)
    association = booking.association
    if association_id is not None:
        association = (
            booking.cohosts.select_related("association").get(association_id=association_id).association
        )
    # One message per language: each admin reads it in the language they chose.
    for language, to in by_language(recipients(association), association=association).items():
        subject, body = render(booking, event, association, language, context)
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to)
        message.attach(f"booking-{booking.pk}.ics", booking_calendar(booking), "text/calendar")
        mail.queue(message)


def render(booking: Booking, event: str, association, language: str, context: dict) -> tuple[str, str]:
    """Subject and body of one e-mail, both in `language`."""
    with translation.override(language):
        # A title saved with a line break must not become a header injection (BadHeaderError).
        subject = str(SUBJECTS[event]) % {"title": " ".join(booking.title.split())}
        body = render_to_string(
            "booking/email/notification.txt",
            {
                "booking": booking,
                "event": event,
                "association": association,
                "SITE_URL": settings.SITE_URL,
                "SITE_NAME": settings.SITE_NAME,
                **context,
            },
        )
    return subject, body


def after_commit(
    booking: Booking, event: str, *, association=None, occurrences=(), message: str = ""
) -> None:
    # A date of a multi-room booking is one row per room: the e-mail lists it once.
    dates = list(dict.fromkeys((o.start, o.end) for o in occurrences))
    association_id = association.pk if association is not None else None

    def _send() -> None:
        try:
            send(booking.pk, event, association_id, dates=dates, message=message)
        except Exception:  # noqa: BLE001 - a mail server outage must not undo a booking
            log.exception("could not send %s e-mail for booking %s", event, booking.pk)

    # robust: after the commit nothing may turn the saved booking into an error answer.
    transaction.on_commit(_send, robust=True)
