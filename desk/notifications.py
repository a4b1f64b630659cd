"""E-mails of the desk (proposals, closures, waitlist offers), sent only after commit.

Approvals and declines are announced by booking.notifications, which the booking
services call themselves; these cover what only the desk knows about.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from associations.language import by_language
from associations.models import Association
from booking.notifications import recipients
from tupa import mail

log = logging.getLogger(__name__)

# Lazy: translated when rendered, in the recipient's language (render()).
SUBJECTS = {
    "proposal": _("A new time is proposed: %(title)s"),
    "closure": _("The house is closed: %(title)s"),
    "waitlist_offer": _("A slot you waited for is free: %(title)s"),
}


def send(association_id: int, event: str, title: str, context: dict, extra_to: list[str]) -> None:
    association = Association.objects.get(pk=association_id)
    to = sorted(set(recipients(association)) | {e for e in extra_to if e})
    # One message per language: each reads it in the language they chose.
    for language, group in by_language(to, association=association).items():
        subject, body = render(association, event, title, context, language)
        mail.queue(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, group))


def render(association: Association, event: str, title: str, context: dict, language: str) -> tuple[str, str]:
    """Subject and body of one e-mail, both in `language`."""
    with translation.override(language):
        subject = str(SUBJECTS[event]) % {"title": title}
        body = render_to_string(
            f"desk/email/{event}.txt",
            {
                "association": association,
                "SITE_URL": settings.SITE_URL,
                "SITE_NAME": settings.SITE_NAME,
                **context,
            },
        )
    return subject, body


def after_commit(
    association: Association, event: str, *, title: str, extra_to: tuple[str, ...] = (), **context
) -> None:
    """Queue an e-mail to the association's admins (and extra addresses) for after the commit."""

    def _send() -> None:
        try:
            send(association.pk, event, title, context, list(extra_to))
        except Exception:  # noqa: BLE001 - a mail outage must not undo a decision
            log.exception("could not send desk %s e-mail to association %s", event, association.pk)

    transaction.on_commit(_send, robust=True)
