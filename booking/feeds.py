"""One booking as an iCalendar event: shared by the public feed and the e-mail attachments."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from venues.models import Room

from .ical import FeedDate, FeedEvent, render_calendar
from .models import Booking, CoHost, Occurrence, Status


def site_domain() -> str:
    """The host part of every UID: from settings.SITE_URL, never from the request's Host,
    so a series keeps one UID however the subscriber reached us (localhost, an IP, a proxy)."""
    return urlsplit(settings.SITE_URL).hostname or "tupa"


def series_uid(booking_id: int) -> str:
    return f"booking-{booking_id}@{site_domain()}"


def event_description(booking: Booking, hosts: Iterable) -> str:
    """DESCRIPTION of a feed entry: the text, the hosts, and the join link of an online session."""
    names = ", ".join(a.name for a in hosts)
    parts = [booking.description, _("Hosts: %(hosts)s") % {"hosts": names}]
    if booking.remote_url:
        parts.append(_("Join online: %(url)s") % {"url": booking.remote_url})
    return "\n\n".join(filter(None, parts))


def feed_event(
    booking: Booking,
    rows: Iterable[Occurrence],
    *,
    hosts: Iterable,
    place: str,
    tz: ZoneInfo,
    absolute: Callable[[str], str],
) -> tuple[FeedEvent, datetime | None]:
    """The series as one event (rows: every date of it, one per room); and its last change."""
    first_ids: dict[datetime, int] = {}
    confirmed: dict[datetime, bool] = defaultdict(bool)
    spans: dict[datetime, tuple[datetime, datetime]] = {}
    last_modified = booking.updated_at
    for occ in rows:
        first_ids.setdefault(occ.recurrence_id, occ.id)
        if occ.status == Status.CONFIRMED and not confirmed[occ.recurrence_id]:
            confirmed[occ.recurrence_id] = True
            spans[occ.recurrence_id] = (occ.start, occ.end)
        spans.setdefault(occ.recurrence_id, (occ.start, occ.end))
        last_modified = max(filter(None, [last_modified, occ.updated_at]))
    dates = [
        FeedDate(
            recurrence_id=rid,
            start=spans[rid][0],
            end=spans[rid][1],
            confirmed=confirmed[rid],
            url=absolute(reverse("calendar:event", args=[first_ids[rid]])),
        )
        for rid in first_ids
    ]
    event = FeedEvent(
        uid=series_uid(booking.id),
        summary=booking.title,
        tz=tz,
        dates=dates,
        rrule=booking.rrule,
        sequence=booking.sequence,
        stamp=booking.updated_at,
        description=event_description(booking, hosts),
        location=place,
        url=absolute(reverse("calendar:event", args=[min(first_ids.values())])) if first_ids else "",
        categories=[str(booking.category)] if booking.category else [],
        remote_url=booking.remote_url,
        remote_label=_("Join online"),
    )
    return event, last_modified


def booking_calendar(booking: Booking) -> bytes:
    """An .ics of one booking with all its dates, for the association's own calendar."""
    site = settings.SITE_URL.rstrip("/")
    tz = booking.room.venue.tz if booking.room_id else ZoneInfo(settings.TIME_ZONE)
    hosts = [booking.association] + [
        c.association
        for c in booking.cohosts.filter(status=CoHost.Status.ACCEPTED).select_related("association")
    ]
    place = booking.location
    if booking.room_id:
        others = Room.objects.filter(occurrences__booking=booking).exclude(pk=booking.room_id).distinct()
        names = " + ".join(room.name for room in [booking.room, *others.order_by("pk")])
        place = f"{booking.room.venue.name}, {names}"
    event, _last = feed_event(
        booking,
        booking.occurrences.order_by("recurrence_id", "start"),
        hosts=hosts,
        place=place,
        tz=tz,
        absolute=lambda path: site + path,
    )
    return render_calendar([event], name=booking.title, default_tz=tz)
