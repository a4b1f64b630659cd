"""The Linked Events shapes (City-of-Helsinki/linkedevents, API v1) of our events and places.

Pure functions: plain values in, JSON-ready dicts out, no database queries. Field names, nesting and
value types follow linkedevents' own serializers (events/serializers.py EventSerializer,
PlaceSerializer, KeywordSerializer, OfferSerializer; linkedevents/serializers.py for `@id`,
`@type` and `@context`, linkedevents/fields.py for `{"@id": url}` references), checked by
tests/reach/test_linkedevents.py against tests/reach/linkedevents_sample.json.

Where we differ, on purpose:
- `@type` is "Event" (CONTRACT.md), where linkedevents writes "Event/LinkedEvent".
- Titles and descriptions are written in one language by the association; they are given
  as the Finnish entry of each language map (the house's default language).
Left out: `publication_status` (linkedevents hides it from anonymous callers too),
`created_by` / `last_modified_by` (admin-only there), the personal `user_*` fields,
`offer_price_groups` (web-shop only), v0.1's `origin_id`/`headline`/`secondary_headline`,
and the `extension_*` fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from booking.jsonld import split_address

SOURCE = "tupa"
CONTEXT = "http://schema.org"
SCHEDULED = "EventScheduled"
CANCELLED = "EventCancelled"
RECURRING = "recurring"


def utc(moment: datetime | None) -> str | None:
    """As linkedevents writes times: UTC, ISO 8601, with "Z"."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def lang(text: str | None, code: str = "fi") -> dict[str, str]:
    return {code: text or ""}


def date_id(pk: int) -> str:
    return f"{SOURCE}:{pk}"


def series_id(booking_pk: int) -> str:
    return f"{SOURCE}:series-{booking_pk}"


def venue_place_id(venue_pk: int) -> str:
    return f"{SOURCE}:venue-{venue_pk}"


def offsite_place_id(booking_pk: int) -> str:
    return f"{SOURCE}:offsite-{booking_pk}"


def category_keyword_id(slug: str) -> str:
    return f"{SOURCE}:category-{slug}"


def audience_keyword_id(value: str) -> str:
    return f"{SOURCE}:audience-{value}"


ID_PATTERN = re.compile(rf"^{SOURCE}:(?:(?P<date>\d+)|series-(?P<series>\d+))$")
PLACE_PATTERN = re.compile(rf"^{SOURCE}:(?:venue-(?P<venue>\d+)|offsite-(?P<offsite>\d+))$")
KEYWORD_PATTERN = re.compile(rf"^{SOURCE}:(?:category-(?P<category>[-\w]+)|audience-(?P<audience>\w+))$")


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    address: str = ""
    description: str = ""
    info_url: str | None = None
    email: str = ""
    telephone: str = ""
    last_modified: datetime | None = None


@dataclass(frozen=True)
class Keyword:
    id: str
    names: dict[str, str]


@dataclass
class Event:
    """One date (a sub-event when its booking is a series), or a series (the super event)."""

    id: str
    title: str
    description: str
    start: datetime
    end: datetime
    cancelled: bool
    place_id: str
    place_extra: str  # the rooms, or "" off site
    keyword_ids: list[str]
    audience_ids: list[str]
    is_free: bool
    hosts: list[str]
    publisher: str
    page_url: str | None
    created: datetime
    modified: datetime
    image: dict | None = None  # {"id", "url", "alt_text"}
    remote_url: str = ""
    super_event_id: str | None = None  # for a date of a series
    sub_event_ids: list[str] = field(default_factory=list)  # for a series
    capacity: int | None = None


def place_data(place: Place, url: Callable[[str, str], str], *, detail: bool = False) -> dict:
    street, postal_code, locality = split_address(place.address)
    data = {
        "id": place.id,
        "data_source": SOURCE,
        "publisher": SOURCE,
        "origin_id": place.id.partition(":")[2],
        "name": lang(place.name),
        "description": lang(place.description) if place.description else None,
        "info_url": lang(place.info_url) if place.info_url else None,
        "street_address": lang(street) if street else None,
        "address_locality": lang(locality) if locality else None,
        "address_region": None,
        "postal_code": postal_code or None,
        "post_office_box_num": None,
        "address_country": "FI",
        "position": None,
        "email": place.email or None,
        "telephone": lang(place.telephone) if place.telephone else None,
        "contact_type": None,
        "deleted": False,
        "replaced_by": None,
        "divisions": [],
        "parent": None,
        "image": None,
        "custom_data": None,
        "has_upcoming_events": True,
        "n_events": 0,
        "created_time": utc(place.last_modified),
        "last_modified_time": utc(place.last_modified),
        "@id": url("place", place.id),
        "@type": "Place",
    }
    if detail:
        data["@context"] = CONTEXT
    return data


def keyword_data(keyword: Keyword, url: Callable[[str, str], str], *, detail: bool = False) -> dict:
    data = {
        "id": keyword.id,
        "data_source": SOURCE,
        "publisher": SOURCE,
        "origin_id": keyword.id.partition(":")[2],
        "name": dict(keyword.names),
        "alt_labels": [],
        "aggregate": False,
        "deprecated": False,
        "has_upcoming_events": True,
        "n_events": 0,
        "image": None,
        "replaced_by": None,
        "created_time": None,
        "last_modified_time": None,
        "@id": url("keyword", keyword.id),
        "@type": "Keyword",
    }
    if detail:
        data["@context"] = CONTEXT
    return data


def image_data(image: dict, url: Callable[[str, str], str]) -> dict:
    return {
        "id": image["id"],
        "url": image["url"],
        "name": "",
        "alt_text": image["alt_text"],
        "license": "event_only",
        "photographer_name": None,
        "data_source": SOURCE,
        "publisher": SOURCE,
        "created_time": None,
        "last_modified_time": None,
        "@id": url("image", str(image["id"])),
        "@type": "ImageObject",
    }


def event_data(
    event: Event,
    url: Callable[[str, str], str],
    *,
    detail: bool = False,
    places: dict[str, Place] | None = None,
    keywords: dict[str, Keyword] | None = None,
) -> dict:
    """EventSerializer's representation of one event; `url(kind, id)` gives absolute @ids.

    `places` and `keywords` expand those references in full, as linkedevents does for
    `?include=location,keywords`; otherwise each is `{"@id": url}`.
    """

    def keyword_ref(pk: str) -> dict:
        if keywords is not None and pk in keywords:
            return keyword_data(keywords[pk], url)
        return {"@id": url("keyword", pk)}

    is_series = bool(event.sub_event_ids)
    extra = event.place_extra
    if event.remote_url:
        extra = f"{extra} · {event.remote_url}" if extra else event.remote_url
    data = {
        "id": event.id,
        "data_source": SOURCE,
        "publisher": event.publisher,
        "location": place_data(places[event.place_id], url)
        if places is not None and event.place_id in places
        else {"@id": url("place", event.place_id)},
        "keywords": [keyword_ref(k) for k in event.keyword_ids],
        "audience": [keyword_ref(k) for k in event.audience_ids],
        "registration": None,
        "super_event": {"@id": url("event", event.super_event_id)} if event.super_event_id else None,
        "event_status": CANCELLED if event.cancelled else SCHEDULED,
        "type_id": "General",
        "external_links": [],
        "offers": [{"is_free": event.is_free, "price": None, "info_url": None, "description": None}],
        "sub_events": [{"@id": url("event", s)} for s in event.sub_event_ids],
        "images": [image_data(event.image, url)] if event.image else [],
        "videos": [],
        "in_language": [],
        "created_time": utc(event.created),
        "last_modified_time": utc(event.modified),
        "date_published": utc(event.created),
        "start_time": utc(event.start),
        "end_time": utc(event.end),
        "custom_data": None,
        "environmental_certificate": None,
        "environment": None,
        "audience_min_age": None,
        "audience_max_age": None,
        "super_event_type": RECURRING if is_series else None,
        "deleted": False,
        "maximum_attendee_capacity": event.capacity,
        "minimum_attendee_capacity": None,
        "enrolment_start_time": None,
        "enrolment_end_time": None,
        "local": True,
        "replaced_by": None,
        "has_user_editable_resources": False,
        "name": lang(event.title),
        "description": lang(event.description),
        "short_description": lang(_short(event.description)),
        "info_url": lang(event.page_url) if event.page_url else None,
        "location_extra_info": lang(extra) if extra else None,
        "provider": lang(", ".join(event.hosts)) if event.hosts else None,
        "provider_contact_info": None,
        "@id": url("event", event.id),
        "@type": "Event",
    }
    if detail:
        data["@context"] = CONTEXT
    return data


def _short(text: str, limit: int = 160) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def page_meta(count: int, page: int, page_size: int, link: Callable[[int], str]) -> dict:
    """linkedevents' CustomPagination: {"count", "next", "previous"}, absolute URLs or null."""
    last = max(1, -(-count // page_size))
    return {
        "count": count,
        "next": link(page + 1) if page < last else None,
        "previous": link(page - 1) if page > 1 else None,
    }


def sort_key(event: Event) -> tuple:
    # linkedevents' default ordering is by start time; the series before its first date.
    return (event.start, 0 if event.sub_event_ids else 1, event.id)


def paginate(events: Sequence[Event], page: int, page_size: int) -> list[Event]:
    return list(events[(page - 1) * page_size : page * page_size])
