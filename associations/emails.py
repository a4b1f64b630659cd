"""E-mails about associations. Called from services after the transaction commits."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from tupa import mail


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(template: str, context: dict, recipients: list[str]) -> None:
    recipients = [address for address in dict.fromkeys(recipients) if address]
    if not recipients:
        return
    subject = render_to_string(f"associations/emails/{template}_subject.txt", context).strip()
    body = render_to_string(f"associations/emails/{template}.txt", context)
    mail.queue(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients))


def _registrant_addresses(association) -> list[str]:
    creator = association.created_by
    return [creator.email if creator else "", association.contact_email]


def send_registered(association, coordinator_emails: list[str]) -> None:
    context = {"association": association, "url": _absolute(reverse("associations:pending"))}
    _send("registered", context, coordinator_emails)


def send_decision(association) -> None:
    context = {"association": association, "url": _absolute(association.get_absolute_url())}
    template = "approved" if association.is_approved else "rejected"
    _send(template, context, _registrant_addresses(association))


def send_invitation(invitation) -> None:
    url = _absolute(reverse("associations:invitation", args=[invitation.token]))
    _send("invitation", {"invitation": invitation, "url": url}, [invitation.email])
