"""The one e-mail each association gets when a season is published.

Everything about sending is in `send_results`, so moving e-mail to a task queue means
changing `after_publish` only: it registers the sends to run after the commit.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from associations.models import Association
from booking.feeds import feed_event
from booking.ical import render_calendar
from booking.notifications import recipients

from .models import Application, Season

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
        booking = getattr(getattr(application, "outcome", None), "booking", None)
        if booking is None:
            continue
        event, _last = feed_event(
            booking,
            booking.occurrences.order_by("recurrence_id", "start"),
            hosts=[booking.association],
            place=f"{season.venue.name}, {booking.room.name}",
            tz=tz,
            domain=urlsplit(site).hostname or "tupa",
            absolute=lambda path: site + path,
        )
        events.append(event)
    return render_calendar(events, name=season.name, default_tz=tz)


def send_results(season_id: int, association_id: int) -> None:
    from .selectors import outcome_texts

    season = Season.objects.select_related("venue").get(pk=season_id)
    association = Association.objects.get(pk=association_id)
    to = recipients(association)
    if not to:
        return
    applications = list(
        Application.objects.filter(season=season, association=association)
        .select_related("outcome__room", "outcome__booking__room", "association")
        .prefetch_related("wishes__room")
        .order_by("pk")
    )
    with translation.override(association_language(association)):
        texts = outcome_texts(season, applications)
        subject = translation.gettext("Season %(name)s: your results") % {"name": season.name}
        body = render_to_string(
            "seasons/email/results.txt",
            {
                "season": season,
                "association": association,
                "results": [(a, texts.get(a.pk, "")) for a in applications],
                "SITE_URL": settings.SITE_URL,
            },
        )
        calendar = series_calendar(season, applications)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    if any(getattr(getattr(a, "outcome", None), "booking_id", None) for a in applications):
        message.attach(f"season-{season.pk}.ics", calendar, "text/calendar")
    message.send(fail_silently=False)


def after_publish(season: Season) -> None:
    """One e-mail per association that applied, after the publication commits."""
    association_ids = sorted(set(season.applications.values_list("association_id", flat=True)))

    def _send() -> None:
        for association_id in association_ids:
            try:
                send_results(season.pk, association_id)
            except Exception:  # noqa: BLE001 - a mail server outage must not undo the publication
                log.exception("could not send season %s results to association %s", season.pk, association_id)

    transaction.on_commit(_send)
    transaction.on_commit(_bump_calendar)


def _bump_calendar() -> None:
    from booking.notifications import _bump_calendar as bump

    bump()
