"""?municipality=ID beside the contract's filters, on every public read; the front page's picker.

`region` (tests/conftest.py): Joutsa owns `venue` (room "Sali"), Luhanka a village hall and
a school. One public event in each municipality.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from booking.services import booking_create
from tests.factories import OccurrenceFactory

pytestmark = [pytest.mark.django_db]

HEL = ZoneInfo("Europe/Helsinki")


def at(days: int, hour: int) -> datetime:
    return datetime.combine(timezone.localdate() + timedelta(days=days), time(hour)).replace(tzinfo=HEL)


@pytest.fixture
def events(region, users, association):
    def book(room, title):
        return booking_create(
            actor=users.coordinator,
            association=association,
            room=room,
            title=title,
            start=at(3, 10),
            end=at(3, 12),
        ).booking

    return {
        "joutsa": book(region.room, "Tuolijumppa Joutsassa"),
        "luhanka": book(region.school_room, "Kansantanhut Luhangassa"),
    }


def _window():
    return {
        "start": timezone.localdate().isoformat(),
        "end": (timezone.localdate() + timedelta(days=10)).isoformat(),
    }


def test_events_api_narrows_to_a_municipality(api, region, events):
    both = api(None).get("/api/v1/events", _window()).json()
    assert {e["title"] for e in both["results"]} == {events["joutsa"].title, events["luhanka"].title}
    one = api(None).get("/api/v1/events", {**_window(), "municipality": region.luhanka.pk}).json()
    assert [e["title"] for e in one["results"]] == [events["luhanka"].title]
    # Repeatable like the contract's filters, and combined with them (AND).
    two = (
        api(None)
        .get(
            f"/api/v1/events?start={_window()['start']}&end={_window()['end']}"
            f"&municipality={region.luhanka.pk}&municipality={region.joutsa.pk}&venue={region.venue.pk}"
        )
        .json()
    )
    assert [e["title"] for e in two["results"]] == [events["joutsa"].title]


def test_an_off_site_event_belongs_to_no_municipality(api, region, users, association):
    offsite = booking_create(
        actor=users.coordinator,
        association=association,
        room=None,
        title="Retki Päijänteelle",
        start=at(4, 9),
        end=at(4, 17),
        location="Päijänne",
    ).booking
    assert offsite.title in {e["title"] for e in api(None).get("/api/v1/events", _window()).json()["results"]}
    scoped = api(None).get("/api/v1/events", {**_window(), "municipality": region.joutsa.pk}).json()
    assert offsite.title not in {e["title"] for e in scoped["results"]}


@pytest.mark.parametrize("value", ["abc", "1.5", "9" * 25, "-1"])
def test_a_bad_municipality_is_a_400_naming_the_parameter(api, client, region, value):
    response = api(None).get("/api/v1/events", {**_window(), "municipality": value})
    assert response.status_code == 400
    assert "municipality" in response.json()
    assert client.get("/calendar.ics", {"municipality": value}).status_code == 400
    assert client.get("/calendar/", {"municipality": value}).status_code == 400
    for url in ("/api/v1/venues", "/api/v1/rooms"):
        assert "municipality" in api(None).get(url, {"municipality": value}).json()
    stats = api(None).get(
        "/api/v1/stats/usage", {"start": "2026-01-01", "end": "2026-01-31", "municipality": value}
    )
    assert stats.status_code == 400 and "municipality" in stats.json()


def test_an_unknown_municipality_shows_nothing(api, region, events):
    body = api(None).get("/api/v1/events", {**_window(), "municipality": 999999}).json()
    assert body["count"] == 0


def test_the_feed_narrows_and_names_the_municipality(client, region, events):
    response = client.get("/calendar.ics", {"municipality": region.luhanka.pk})
    assert response.status_code == 200
    cal = Calendar.from_ical(response.content)
    titles = {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    assert titles == {"Kansantanhut Luhangassa"}
    assert "Luhanka" in str(cal["X-WR-CALNAME"])
    everything = Calendar.from_ical(client.get("/calendar.ics").content)
    assert len(everything.walk("VEVENT")) == 2


def test_the_calendar_page_offers_and_applies_the_municipality(client, region, events):
    page = client.get(
        "/calendar/", {"municipality": region.joutsa.pk, "view": "week", "date": at(3, 10).date()}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="municipality"' in html and "Kaikki kunnat" in html  # Finnish by default
    assert "Tuolijumppa Joutsassa" in html and "Kansantanhut Luhangassa" not in html
    # The house choices follow the municipality.
    assert [v.pk for v in page.context["options"]["venue"]] == [region.venue.pk]
    # The feed link carries the filter.
    assert f"municipality={region.joutsa.pk}" in page.context["subscribe_https"]


def test_with_a_house_chosen_the_room_choices_are_its_rooms(client, region):
    # A national installation has thousands of rooms: one house's page lists its own.
    page = client.get("/calendar/", {"venue": region.hall.pk, "room": region.room.pk})
    assert {r.pk for r in page.context["options"]["room"]} == {region.hall_room.pk, region.room.pk}
    page = client.get("/calendar/", {"municipality": region.luhanka.pk})
    assert {r.pk for r in page.context["options"]["room"]} == {region.hall_room.pk, region.school_room.pk}


def test_one_municipality_offers_no_choice(client, venue, room):
    from tests.factories import MunicipalityFactory

    venue.municipality = MunicipalityFactory(name="Joutsa", slug="joutsa")
    venue.save()
    assert 'name="municipality"' not in client.get("/calendar/").content.decode()
    assert 'name="municipality"' not in client.get("/").content.decode()
    assert 'name="municipality"' not in client.get("/stats/").content.decode()


def test_venues_and_rooms_lists_narrow(api, region):
    venues = api(None).get("/api/v1/venues", {"municipality": region.luhanka.pk}).json()
    assert {v["id"] for v in venues["results"]} == {region.hall.pk, region.school.pk}
    assert {v["municipality"] for v in venues["results"]} == {region.luhanka.pk}
    rooms = api(None).get("/api/v1/rooms", {"municipality": region.joutsa.pk}).json()
    assert {r["id"] for r in rooms["results"]} == {region.room.pk, region.approval_room.pk}
    listed = api(None).get("/api/v1/municipalities").json()
    assert [(m["id"], m["name"]) for m in listed["results"]] == [
        (region.joutsa.pk, "Joutsa"),
        (region.luhanka.pk, "Luhanka"),
    ]


def test_usage_statistics_narrow_to_the_municipality(api, region, events):
    day = at(3, 10).date().isoformat()
    query = {"start": day, "end": day}
    everything = api(None).get("/api/v1/stats/usage", query).json()
    luhanka = api(None).get("/api/v1/stats/usage", {**query, "municipality": region.luhanka.pk}).json()
    assert {r["id"] for r in luhanka["rooms"]} == {region.hall_room.pk, region.school_room.pk}
    assert len(everything["rooms"]) == 4
    school = next(r for r in luhanka["rooms"] if r["id"] == region.school_room.pk)
    assert school["booked_hours"] == 2.0
    assert [a["booked_hours"] for a in luhanka["associations"]] == [2.0]
    assert [a["booked_hours"] for a in everything["associations"]] == [4.0]


def test_the_stats_page_offers_the_municipality(client, region, events):
    day = at(3, 10).date().isoformat()
    page = client.get("/stats/", {"start": day, "end": day, "municipality": region.luhanka.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="municipality"' in html
    assert {r["id"] for r in page.context["contract"]["rooms"]} == {
        region.hall_room.pk,
        region.school_room.pk,
    }
    # The quick periods keep the municipality.
    assert f"municipality={region.luhanka.pk}" in html


def test_the_front_page_lets_a_resident_pick_their_municipality(client, region):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "Valitse oma kuntasi" in html
    assert f'<option value="{region.luhanka.pk}">Luhanka</option>' in html
    assert 'action="/calendar/"' in html
    assert "Välj din kommun" in client.get("/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()


def test_the_schema_documents_the_parameter(api, db):
    schema = api(None).get("/api/schema/?format=json").json()
    for path in ("/api/v1/events", "/api/v1/venues", "/api/v1/rooms", "/api/v1/stats/usage"):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert "municipality" in names, path
    assert "/api/v1/municipalities" in schema["paths"]


def test_a_date_is_found_by_the_municipality_of_its_room(api, region, association):
    # The filter is on the date's own room (multi-room dates included), not the booking's first.
    occurrence = OccurrenceFactory(
        booking__association=association,
        booking__room=region.hall_room,
        booking__start=at(5, 10),
        booking__end=at(5, 11),
    )
    body = api(None).get("/api/v1/events", {**_window(), "municipality": region.luhanka.pk}).json()
    assert occurrence.booking.title in {e["title"] for e in body["results"]}


def test_the_venue_list_narrows_and_names_the_municipality(client, region):
    page = client.get("/venues/", {"municipality": region.luhanka.pk})
    assert page.status_code == 200
    assert set(page.context["venues"]) == {region.hall, region.school}
    html = page.content.decode()
    assert "Kunta: Luhanka" in html and 'name="municipality"' in html
    assert client.get("/venues/", {"municipality": "x"}).status_code == 400


def test_the_municipality_filter_costs_no_query(client, api, region, events, django_assert_num_queries):
    # The filter is a join in the same queries; the choice list is one query of its own.
    week = {"view": "week", "date": at(3, 10).date().isoformat()}
    with django_assert_num_queries(7):
        client.get("/calendar/", week)
    with django_assert_num_queries(7):
        client.get("/calendar/", {**week, "municipality": region.joutsa.pk})
    window = _window()
    # Three: the count, the page and its co-hosts (the events API pages in SQL).
    with django_assert_num_queries(3):
        api(None).get("/api/v1/events", window)
    with django_assert_num_queries(3):
        api(None).get("/api/v1/events", {**window, "municipality": region.joutsa.pk})


def test_a_municipality_without_houses_is_not_offered(client, venue, room):
    from tests.factories import MunicipalityFactory

    # As after the migration's default "Kunta" was emptied by moving its houses elsewhere.
    venue.municipality = MunicipalityFactory(name="Joutsa", slug="joutsa")
    venue.save()
    MunicipalityFactory(name="Kunta", slug="kunta")
    for path in ("/", "/calendar/", "/venues/", "/stats/"):
        assert 'name="municipality"' not in client.get(path).content.decode(), path
