"""Stable UIDs, the one-date download, join links, escaping, compression and the event page's links."""

import gzip
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from icalendar import Calendar

from booking.feeds import series_uid, site_domain

from ..factories import BookingFactory, OccurrenceFactory
from .calendar_data import local, make_event, make_series

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

JOIN = "https://meet.example.org/terveysboosti?pwd=a,b;c"


def _cal(content: bytes) -> Calendar:
    cal = Calendar.from_ical(content)
    for component in cal.walk():
        assert component.errors == [], (component.name, component.errors)
    return cal


def test_uids_come_from_site_url_not_from_the_host_header(client, room, association, settings):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "tupa.example.org"]
    settings.SITE_URL = "https://tupa.example.org"
    booking = make_series(room=room, association=association, first=local(2026, 10, 6, 18))
    uids = set()
    for host in ("localhost", "127.0.0.1", "tupa.example.org"):
        cal = _cal(client.get("/calendar.ics", HTTP_HOST=host).content)
        uids |= {str(e["UID"]) for e in cal.walk("VEVENT")}
    assert uids == {f"booking-{booking.id}@tupa.example.org"}
    assert site_domain() == "tupa.example.org"


def test_one_date_downloads_with_the_series_uid_and_its_recurrence_id(client, room, association):
    booking = make_series(room=room, association=association, first=local(2026, 10, 6, 18))
    occ = booking.occurrences.order_by("start")[2]
    cal = _cal(client.get(f"/events/{occ.id}.ics", HTTP_HOST="localhost").content)
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == series_uid(booking.id)
    assert event["RECURRENCE-ID"].dt == occ.recurrence_id
    assert event["DTSTART"].dt == occ.start
    assert "RRULE" not in event
    feed = _cal(client.get("/calendar.ics").content)
    assert {str(e["UID"]) for e in feed.walk("VEVENT")} == {str(event["UID"])}


def test_a_one_off_date_downloads_with_its_feed_uid(client, room, association):
    booking = make_event(room=room, association=association, start=local(2026, 10, 8, 10))
    occ = booking.occurrences.get()
    (event,) = _cal(client.get(f"/events/{occ.id}.ics").content).walk("VEVENT")
    assert str(event["UID"]) == series_uid(booking.id)
    assert "RECURRENCE-ID" not in event


def test_the_join_link_is_a_conference_and_in_the_description(client, room, association):
    booking = make_series(room=room, association=association, first=local(2026, 10, 6, 18), remote_url=JOIN)
    for url in ("/calendar.ics", f"/events/{booking.occurrences.first().id}.ics"):
        (event,) = _cal(client.get(url).content).walk("VEVENT")
        conference = event["CONFERENCE"]
        assert str(conference) == JOIN
        assert conference.params["VALUE"] == "URI"
        assert conference.params["FEATURE"] == "VIDEO"
        assert conference.params["LABEL"]
        assert JOIN in str(event["DESCRIPTION"])


def test_names_are_escaped_and_control_characters_never_break_the_feed(client, room, association):
    room.name = "Sali, iso; \\ takahuone\r\nkerros 2"
    room.save()
    BookingFactory.reset_sequence()
    booking = BookingFactory(
        room=room,
        association=association,
        title="Jumppa\r\nklo 18\rja 19\x07",
        description="Rivi 1\r\nRivi 2",
        start=local(2026, 10, 9, 10),
        end=local(2026, 10, 9, 11),
    )
    OccurrenceFactory(booking=booking)
    response = client.get(f"/calendar.ics?room={room.id}")
    assert response.status_code == 200
    text = response.content.decode()
    assert "CATEGORIES:\r\n" not in text
    assert "\x07" not in text
    lines = text.split("\r\n")
    assert all(not line or ":" in line or line.startswith(" ") for line in lines), lines
    cal = _cal(response.content)
    for name in ("NAME", "X-WR-CALNAME"):  # both TEXT, escaped as RFC 5545 3.3.11 says
        assert f"\r\n{name}:Tupa – Sali\\, iso\\; \\\\ takahuone kerros 2\r\n" in text
    (event,) = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Jumppa klo 18 ja 19"
    assert str(event["DESCRIPTION"]).startswith("Rivi 1\nRivi 2")
    assert client.get(f"/events/{booking.occurrences.get().id}.ics").status_code == 200
    assert client.get(f"/events/{booking.occurrences.get().id}/").status_code == 200


def test_feeds_and_the_api_are_compressed_but_pages_are_not(client, room, association):
    make_series(room=room, association=association, first=local(2026, 10, 6, 18))
    feed = client.get("/calendar.ics", HTTP_ACCEPT_ENCODING="gzip")
    assert feed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in feed["Vary"]
    assert _cal(gzip.decompress(feed.content)).walk("VEVENT")
    assert feed["ETag"].startswith('W/"')
    # The weak form from a compressed answer still earns a 304, which names the same ETag.
    again = client.get("/calendar.ics", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=feed["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == feed["ETag"]
    api = client.get("/api/v1/events?start=2026-10-01&end=2026-11-01", HTTP_ACCEPT_ENCODING="gzip")
    assert api["Content-Encoding"] == "gzip"
    # BREACH: pages carry CSRF tokens and stay uncompressed.
    page = client.get("/calendar/", HTTP_ACCEPT_ENCODING="gzip")
    assert page.status_code == 200 and not page.has_header("Content-Encoding")
    plain = client.get("/calendar.ics")
    assert not plain.has_header("Content-Encoding") and plain["ETag"].startswith('"')


def test_the_event_page_offers_subscriptions_and_one_tap_template_links(client, room, association):
    booking = make_series(room=room, association=association, first=local(2026, 10, 6, 18), remote_url=JOIN)
    occ = booking.occurrences.order_by("start")[0]
    response = client.get(f"/events/{occ.id}/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    context = response.context
    assert context["series_feed"]["webcal"].startswith("webcal://testserver/calendar.ics?booking=")
    assert context["host_feed"]["https"] == f"http://testserver/calendar.ics?association={association.id}"
    assert context["series_feed"]["webcal"] in html and context["host_feed"]["webcal"] in html
    google = urlsplit(context["add_to"]["google"])
    assert (google.netloc, google.path) == ("calendar.google.com", "/calendar/render")
    query = parse_qs(google.query)
    assert query["action"] == ["TEMPLATE"]
    assert query["text"] == [booking.title]
    assert query["dates"] == ["20261006T150000Z/20261006T170000Z"]
    assert JOIN in query["details"][0]
    assert query["location"] == [f"{room.venue.name}, {room.name}"]
    outlook = urlsplit(context["add_to"]["outlook"])
    assert (outlook.netloc, outlook.path) == ("outlook.live.com", "/calendar/0/deeplink/compose")
    query = parse_qs(outlook.query)
    assert query["startdt"] == ["2026-10-06T15:00:00Z"] and query["enddt"] == ["2026-10-06T17:00:00Z"]
    assert query["subject"] == [booking.title] and JOIN in query["body"][0]
    assert "Add this date to Google Calendar" in html
    # The series feed is really that series.
    feed = _cal(client.get(f"/calendar.ics?booking={booking.id}").content)
    assert [str(e["UID"]) for e in feed.walk("VEVENT")] == [series_uid(booking.id)]
    assert booking.title in str(feed["X-WR-CALNAME"])


@pytest.mark.parametrize("lang,label", [("fi", "Tilaa"), ("sv", "Prenumerera"), ("en", "Subscribe")])
def test_venue_and_association_pages_offer_their_own_feed(client, room, association, lang, label):
    venue_page = client.get(room.venue.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert f"webcal://testserver/calendar.ics?venue={room.venue_id}" in venue_page
    page = client.get(association.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert f"webcal://testserver/calendar.ics?association={association.id}" in page
    assert label in page


def test_the_confirmation_email_and_its_attachment_carry_the_join_link(
    api, users, association, room, django_capture_on_commit_callbacks
):
    association.contact_email = "kerho@example.org"
    association.save()
    body = {
        "association": association.pk,
        "room": room.pk,
        "title": "Terveysboosti verkossa",  # a line break is refused now (tupa/text.py)
        "start": "2026-10-08T10:00:00+03:00",
        "end": "2026-10-08T11:00:00+03:00",
        "remote_url": JOIN,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api(users.admin).post("/api/v1/bookings", body, format="json")
    assert response.status_code == 201, response.content
    (message,) = [m for m in mail.outbox if "kerho@example.org" in m.to]
    assert "\n" not in message.subject
    assert JOIN in message.body
    (name, content, mimetype) = message.attachments[0]
    (event,) = _cal(content if isinstance(content, bytes) else content.encode()).walk("VEVENT")
    assert str(event["CONFERENCE"]) == JOIN
    assert str(event["UID"]) == series_uid(response.json()["id"])
