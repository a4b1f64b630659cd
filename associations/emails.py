"""E-mails about associations. Called from services after the transaction commits."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tupa import mail

from .language import by_language


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(template: str, context: dict, recipients: list[str], association=None) -> None:
    # One message per language: each reads it in the language they chose, else the association's.
    for language, group in by_language(recipients, association=association).items():
        subject, body = render(template, context, language)
        mail.queue(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, group))


def render(template: str, context: dict, language: str) -> tuple[str, str]:
    """Subject and body of one e-mail, both in `language`."""
    context = {"SITE_NAME": settings.SITE_NAME, **context}
    with translation.override(language):
        subject = render_to_string(f"associations/emails/{template}_subject.txt", context)
        body = render_to_string(f"associations/emails/{template}.txt", context)
    return " ".join(subject.split()), body


def _registrant_addresses(association) -> list[str]:
    creator = association.created_by
    return [creator.email if creator else "", association.contact_email]


def send_registered(association, coordinator_emails: list[str]) -> None:
    context = {"association": association, "url": _absolute(reverse("associations:pending"))}
    _send("registered", context, coordinator_emails)


def send_decision(association) -> None:
    context = {"association": association, "url": _absolute(association.get_absolute_url())}
    template = "approved" if association.is_approved else "rejected"
    _send(template, context, _registrant_addresses(association), association)


def send_invitation(invitation) -> None:
    url = _absolute(reverse("associations:invitation", args=[invitation.token]))
    _send("invitation", {"invitation": invitation, "url": url}, [invitation.email], invitation.association)
