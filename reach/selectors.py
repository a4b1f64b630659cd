"""Reads behind the Linked Events export: public dates, their series, places and keywords.

A constant number of queries whatever the number of events: the dates with their booking,
rooms and venue; the series figures of their bookings; the dates of those series; the
accepted co-hosts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import translation

from booking.models import Audience, Booking, Category, CoHost, Occurrence, Status
from venues.models import Venue

from . import linkedevents as le

# Cancelled dates stay in the export as EventCancelled, so a calendar that copied one learns
# that it is off; pending and declined dates were never public.
SHOWN = (Status.CONFIRMED, Status.CANCELLED)
LANGUAGES = ("fi", "sv", "en")


def _rows() -> QuerySet[Occurrence]:
    return (
        Occurrence.objects.filter(booking__is_public=True, status__in=SHOWN)
        .exclude(booking__status__in=(Status.PENDING, Status.DECLINED))
        .select_related("booking__association", "booking__category", "booking__room__venue", "room__venue")
        .order_by("start", "id")
    )


def _place_id(booking: Booking, rooms) -> str:
    room = booking.room or next(iter(rooms), None)
    return le.venue_place_id(room.venue_id) if room else le.offsite_place_id(booking.pk)


def _keywords(booking: Booking) -> tuple[list[str], list[str]]:
    keywords = [le.category_keyword_id(booking.category.slug)] if booking.category_id else []
    return keywords, [le.audience_keyword_id(booking.audience)] if booking.audience else []


def _image(booking: Booking) -> dict | None:
    if not booking.image_url:
        return None
    return {"id": booking.pk, "url": booking.image_url, "alt_text": booking.image_alt}


def _build(rows: Iterable[Occurrence], page_url: Callable[[int], str]) -> list[le.Event]:
    dates: dict[tuple, list[Occurrence]] = defaultdict(list)
    bookings: dict[int, Booking] = {}
    for row in rows:
        dates[(row.booking_id, row.recurrence_id)].append(row)
        bookings[row.booking_id] = row.booking
    if not bookings:
        return []
    # Every shown date of these bookings: which of them are series, and their dates' ids.
    series_dates: dict[int, list[dict]] = defaultdict(list)
    for entry in (
        Occurrence.objects.filter(booking_id__in=list(bookings), status__in=SHOWN)
        .values("booking_id", "recurrence_id")
        .order_by("booking_id", "recurrence_id")
        .annotate(
            first=Min("id"),
            start=Min("start"),
            end=Max("end"),
            live=Count("id", filter=Q(status=Status.CONFIRMED)),
            modified=Max("updated_at"),
        )
    ):
        series_dates[entry["booking_id"]].append(entry)
    hosts: dict[int, list[str]] = defaultdict(list)
    for cohost in (
        CoHost.objects.filter(booking_id__in=list(bookings), status=CoHost.Status.ACCEPTED)
        .exclude(association_id__in=[b.association_id for b in bookings.values()])
        .select_related("association")
        .order_by("invited_at", "id")
    ):
        hosts[cohost.booking_id].append(cohost.association.name)

    def common(booking: Booking, rooms) -> dict:
        keywords, audiences = _keywords(booking)
        return {
            "title": booking.title,
            "description": booking.description,
            "place_id": _place_id(booking, rooms),
            "keyword_ids": keywords,
            "audience_ids": audiences,
            "is_free": booking.is_free,
            "hosts": [booking.association.name, *hosts[booking.pk]],
            "publisher": f"{le.SOURCE}:association-{booking.association_id}",
            "created": booking.created_at,
            "image": _image(booking),
            "remote_url": booking.remote_url,
        }

    events: list[le.Event] = []
    series_done: set[int] = set()
    for (booking_id, _recurrence), date_rows in dates.items():
        booking = bookings[booking_id]
        siblings = series_dates[booking_id]
        is_series = len(siblings) > 1
        rooms = [r.room for r in date_rows if r.room_id]
        first = min(r.pk for r in date_rows)
        cancelled = all(r.status == Status.CANCELLED for r in date_rows)
        events.append(
            le.Event(
                id=le.date_id(first),
                start=min(r.start for r in date_rows),
                end=max(r.end for r in date_rows),
                cancelled=cancelled,
                place_extra=" + ".join(dict.fromkeys(room.name for room in rooms))
                if rooms
                else booking.location,
                page_url=None if cancelled else page_url(first),
                modified=max([booking.updated_at, *(r.updated_at for r in date_rows)]),
                super_event_id=le.series_id(booking_id) if is_series else None,
                **common(booking, rooms),
            )
        )
        if is_series and booking_id not in series_done:
            series_done.add(booking_id)
            live = [d for d in siblings if d["live"]]
            events.append(
                le.Event(
                    id=le.series_id(booking_id),
                    start=min(d["start"] for d in siblings),
                    end=max(d["end"] for d in siblings),
                    cancelled=not live,
                    place_extra=" + ".join(dict.fromkeys(room.name for room in rooms))
                    if rooms
                    else booking.location,
                    page_url=page_url(live[0]["first"]) if live else None,
                    modified=max([booking.updated_at, *(d["modified"] for d in siblings)]),
                    sub_event_ids=[le.date_id(d["first"]) for d in siblings],
                    **common(booking, rooms),
                )
            )
    return sorted(events, key=le.sort_key)


def linked_events(
    *,
    start: datetime,
    end: datetime | None,
    page_url: Callable[[int], str],
    municipalities: Iterable[int] = (),
) -> list[le.Event]:
    """Dates overlapping [start, end) and the series they belong to, in start order.

    `municipalities` narrows to the dates held in their venues' rooms, as on the calendar
    (booking.selectors): a date held off site belongs to no municipality.
    """
    rows = _rows().filter(end__gt=start)
    if end is not None:
        rows = rows.filter(start__lt=end)
    if municipalities:
        rows = rows.filter(room__venue__municipality_id__in=list(municipalities))
    return _build(rows, page_url)


def linked_event(event_id: str, *, page_url: Callable[[int], str]) -> le.Event | None:
    match = le.ID_PATTERN.match(event_id or "")
    if not match:
        return None
    if match["date"]:
        anchor = _rows().filter(pk=int(match["date"])).values("booking_id", "recurrence_id").first()
        if anchor is None:
            return None
        rows = _rows().filter(**anchor)
    else:
        rows = _rows().filter(booking_id=int(match["series"]))
    return next((e for e in _build(rows, page_url) if e.id == event_id), None)


def _venue_place(venue: Venue, venue_url: Callable[[Venue], str]) -> le.Place:
    return le.Place(
        id=le.venue_place_id(venue.pk),
        name=venue.name,
        address=venue.address,
        description=venue.description,
        info_url=venue_url(venue),
        email=venue.contact_email,
        telephone=venue.contact_phone,
    )


def _offsite_place(booking: Booking) -> le.Place:
    return le.Place(
        id=le.offsite_place_id(booking.pk),
        name=booking.location or booking.title,
        last_modified=booking.updated_at,
    )


def _category_keyword(keyword_id: str, category: Category) -> le.Keyword:
    return le.Keyword(keyword_id, {"fi": category.name_fi, "sv": category.name_sv, "en": category.name_en})


def linked_place(place_id: str, *, venue_url: Callable[[Venue], str]) -> le.Place | None:
    match = le.PLACE_PATTERN.match(place_id or "")
    if not match:
        return None
    if match["venue"]:
        venue = Venue.objects.filter(pk=int(match["venue"])).first()
        return _venue_place(venue, venue_url) if venue else None
    booking = (
        Booking.objects.filter(pk=int(match["offsite"]), room__isnull=True, is_public=True)
        .filter(occurrences__status__in=SHOWN)
        .first()
    )
    return _offsite_place(booking) if booking else None


def linked_keyword(keyword_id: str) -> le.Keyword | None:
    match = le.KEYWORD_PATTERN.match(keyword_id or "")
    if not match:
        return None
    if match["category"]:
        category = Category.objects.filter(slug=match["category"]).first()
        if category is None:
            return None
        return le.Keyword(
            keyword_id, {"fi": category.name_fi, "sv": category.name_sv, "en": category.name_en}
        )
    labels = dict(Audience.choices)
    if match["audience"] not in labels:
        return None
    names = {}
    for code in LANGUAGES:
        with translation.override(code):
            names[code] = str(labels[match["audience"]])
    return le.Keyword(keyword_id, names)


def linked_image(pk: int) -> dict | None:
    booking = Booking.objects.filter(pk=pk, is_public=True).exclude(image_url="").first()
    return _image(booking) if booking else None


def linked_places(place_ids: Iterable[str], *, venue_url: Callable[[Venue], str]) -> dict[str, le.Place]:
    """Several places at once, for ?include=location: two queries however many."""
    venue_ids, offsite_ids = [], []
    for place_id in place_ids:
        match = le.PLACE_PATTERN.match(place_id)
        if match and match["venue"]:
            venue_ids.append(int(match["venue"]))
        elif match:
            offsite_ids.append(int(match["offsite"]))
    places = {}
    for venue in Venue.objects.filter(pk__in=venue_ids) if venue_ids else []:
        places[le.venue_place_id(venue.pk)] = _venue_place(venue, venue_url)
    for booking in Booking.objects.filter(pk__in=offsite_ids, room__isnull=True) if offsite_ids else []:
        places[le.offsite_place_id(booking.pk)] = _offsite_place(booking)
    return places


def linked_keywords(keyword_ids: Iterable[str]) -> dict[str, le.Keyword]:
    """Several keywords at once, for ?include=keywords: one query for the categories."""
    result = {}
    slugs = {}
    for keyword_id in keyword_ids:
        match = le.KEYWORD_PATTERN.match(keyword_id)
        if match and match["category"]:
            slugs[match["category"]] = keyword_id
        elif match:
            keyword = linked_keyword(keyword_id)
            if keyword:
                result[keyword_id] = keyword
    for category in Category.objects.filter(slug__in=list(slugs)) if slugs else []:
        result[slugs[category.slug]] = _category_keyword(slugs[category.slug], category)
    return result
