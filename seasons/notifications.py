"""The one e-mail each association gets when a season is published.

`send_results` writes every association's message and hands it to the retrying queue
(tupa.mail); `after_publish` runs it after the publication commits.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from associations.models import Association
from booking.feeds import feed_event
from booking.ical import render_calendar
from booking.notifications import recipients
from tupa import mail

from .models import Application, Season
from .selectors import all_applications, outcome_of, outcome_texts

log = logging.getLogger(__name__)


def association_language(association: Association) -> str:
    # Associations carry no language of their own yet: the house's default (Finnish).
    language = getattr(association, "language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def series_calendar(season: Season, applications) -> bytes:
    """One .ics with every weekly series the association got in the season."""
    site = settings.SITE_URL.rstrip("/")
    tz = season.venue.tz
    events = []
    for application in applications:
        outcome = outcome_of(application)
        booking = outcome.booking if outcome is not None else None
        if booking is None:
            continue
        event, _last = feed_event(
            booking,
            booking.occurrences.order_by("recurrence_id", "start"),
            hosts=[booking.association],
            place=f"{season.venue.name}, {booking.room.name}",
            tz=tz,
            absolute=lambda path: site + path,
        )
        events.append(event)
    return render_calendar(events, name=season.name, default_tz=tz)


def send_results(season_id: int) -> None:
    """One e-mail to every association that applied: all its results and an .ics of its series.

    The applications are read once for the whole season; the sentences once per language.
    """
    season = Season.objects.select_related("venue").get(pk=season_id)
    applications = all_applications(season)
    by_association: dict[int, list[Application]] = {}
    for application in applications:
        by_association.setdefault(application.association_id, []).append(application)
    texts_by_language: dict[str, dict[int, str]] = {}
    for own in by_association.values():
        association = own[0].association
        try:
            to = recipients(association)
            if not to:
                continue
            language = association_language(association)
            with translation.override(language):
                if language not in texts_by_language:
                    texts_by_language[language] = outcome_texts(season, applications, everyone=applications)
                texts = texts_by_language[language]
                subject = translation.gettext("Season %(name)s: your results") % {"name": season.name}
                booked = [a for a in own if getattr(outcome_of(a), "booking_id", None)]
                body = render_to_string(
                    "seasons/email/results.txt",
                    {
                        "season": season,
                        "association": association,
                        "results": [(a, texts.get(a.pk, "")) for a in own],
                        "has_calendar": bool(booked),
                        "SITE_URL": settings.SITE_URL,
                    },
                )
                calendar = series_calendar(season, booked) if booked else None
            message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to)
            if calendar is not None:
                message.attach(f"season-{season.pk}.ics", calendar, "text/calendar")
            mail.queue(message)
        except Exception:  # noqa: BLE001 - one association's failure must not stop the others' mail
            log.exception("could not send season %s results to association %s", season.pk, association.pk)


def after_publish(season: Season) -> None:
    """After the publication commits, the results are written and queued."""

    def _send() -> None:
        try:
            send_results(season.pk)
        except Exception:  # noqa: BLE001 - a mail server outage must not undo the publication
            log.exception("could not send season %s results", season.pk)

    # robust: after the commit nothing may turn the publication into an error answer.
    transaction.on_commit(_send, robust=True)
