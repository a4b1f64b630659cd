"""schema.org Event JSON-LD on the event page: what search engines read, safely escaped."""

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from booking.jsonld import script_json, split_address
from booking.models import CoHost

from ..factories import BookingFactory, CoHostFactory, OccurrenceFactory

HEL = ZoneInfo("Europe/Helsinki")
pytestmark = [pytest.mark.django_db]


def jsonld(client, occurrence) -> dict:
    html = client.get(f"/events/{occurrence.pk}/").content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def event(association, room=None, **fields):
    start = datetime(2026, 12, 8, 18, tzinfo=HEL)
    booking = BookingFactory(
        association=association, room=room, start=start, end=start.replace(hour=20), **fields
    )
    return OccurrenceFactory(booking=booking)


def test_an_event_in_a_room_is_an_offline_event_at_a_place(
    client, venue, room, association, other_association
):
    venue.address = "Jousitie 38, 19650 Joutsa"
    venue.save()
    occurrence = event(association, room, title="Yhteislaulu", description="Lauletaan yhdessä.")
    CoHostFactory(booking=occurrence.booking, association=other_association, status=CoHost.Status.ACCEPTED)
    data = jsonld(client, occurrence)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == "Yhteislaulu" and data["description"] == "Lauletaan yhdessä."
    assert data["startDate"] == "2026-12-08T18:00:00+02:00" and data["endDate"] == "2026-12-08T20:00:00+02:00"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["location"]["@type"] == "Place"
    assert data["location"]["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Jousitie 38",
        "postalCode": "19650",
        "addressLocality": "Joutsa",
        "addressCountry": "FI",
    }
    assert [o["name"] for o in data["organizer"]] == [association.name, other_association.name]
    assert data["url"] == f"http://testserver/events/{occurrence.pk}/"


def test_an_online_session_has_a_virtual_location_with_the_join_link(client, association):
    data = jsonld(client, event(association, None, remote_url="https://meet.example.org/jumppa"))
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://meet.example.org/jumppa"}


def test_a_mixed_session_has_both_locations(client, room, association):
    data = jsonld(client, event(association, room, remote_url="https://meet.example.org/kuoro"))
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [place["@type"] for place in data["location"]] == ["Place", "VirtualLocation"]


def test_markup_in_a_title_cannot_end_the_script(client, room, association):
    title = '</script><script>alert("x")</script> & <!--'
    occurrence = event(association, room, title=title)
    html = client.get(f"/events/{occurrence.pk}/").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["name"] == title


def test_script_json_escapes_like_json_script():
    assert script_json({"a": "<>&\u2028"}) == '{"a":"\\u003C\\u003E\\u0026\\u2028"}'


@pytest.mark.parametrize(
    "address, parts",
    [
        ("Jousitie 38, 19650 Joutsa", ("Jousitie 38", "19650", "Joutsa")),
        ("Jousitie 38", ("Jousitie 38", "", "")),
        ("Kylätie 1, Joutsa", ("Kylätie 1", "", "Joutsa")),
    ],
)
def test_addresses_are_split_into_their_parts(address, parts):
    assert split_address(address) == parts
