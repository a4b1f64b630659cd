"""schema.org Event as JSON-LD for an event page, so search engines list the house's events.

Pure: a calendar item and absolute URLs in, a dict out; `script_json` makes it safe inside
<script type="application/ld+json"> (a data block: the CSP's script-src does not apply, as
the browser never runs it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

SCHEMA = "https://schema.org"
# The characters that could end the script element or start markup inside it, written as
# JSON escapes (what Django's json_script does), and the two line separators JavaScript
# parsers once choked on.
_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)


def split_address(address: str) -> tuple[str, str, str]:
    """'Jousitie 38, 19650 Joutsa' -> street, postal code, locality (each may be empty)."""
    street, _, rest = address.partition(",")
    match = re.match(r"^\s*(\d{5})\s+(.+?)\s*$", rest)
    if match:
        return street.strip(), match.group(1), match.group(2)
    return street.strip(), "", rest.strip()


def attendance_mode(*, in_person: bool, online: bool) -> str:
    if online and in_person:
        return f"{SCHEMA}/MixedEventAttendanceMode"
    if online:
        return f"{SCHEMA}/OnlineEventAttendanceMode"
    return f"{SCHEMA}/OfflineEventAttendanceMode"


def event_jsonld(item, *, url: str, absolute: Callable[[str], str]) -> dict:
    """`item` is a booking.selectors.CalendarItem; `absolute(path)` makes a path a full URL."""
    booking = item.booking
    places: list[dict] = []
    if item.venue is not None:
        place: dict = {"@type": "Place", "name": item.place, "url": absolute(item.venue.get_absolute_url())}
        if item.venue.address:
            street, postal_code, locality = split_address(item.venue.address)
            address = {"@type": "PostalAddress", "streetAddress": street, "addressCountry": "FI"}
            if postal_code:
                address["postalCode"] = postal_code
            if locality:
                address["addressLocality"] = locality
            place["address"] = address
        places.append(place)
    elif booking.location:
        places.append({"@type": "Place", "name": booking.location, "address": booking.location})
    if booking.remote_url:
        places.append({"@type": "VirtualLocation", "url": booking.remote_url})
    data: dict = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": booking.title,
        "url": url,
        "startDate": item.local_start.isoformat(),
        "endDate": item.local_end.isoformat(),
        "eventStatus": f"{SCHEMA}/EventScheduled",
        "eventAttendanceMode": attendance_mode(
            in_person=bool(item.venue is not None or booking.location), online=bool(booking.remote_url)
        ),
        "location": places[0] if len(places) == 1 else places,
        "organizer": [
            {"@type": "Organization", "name": host.name, "url": absolute(host.get_absolute_url())}
            for host in item.hosts
        ],
        "isAccessibleForFree": booking.is_free,
        "inLanguage": "fi",
    }
    if booking.description:
        data["description"] = booking.description
    if booking.image_url:
        data["image"] = [booking.image_url]
    if item.category:
        data["keywords"] = item.category.name
    return data
