from datetime import time, timedelta

import pytest
from django.utils import timezone

from tests.factories import ClosureFactory, RoomFactory, VenueFactory, open_every_day
from venues.models import OpeningHours

pytestmark = pytest.mark.django_db


def test_it_lists_venues_with_their_rooms(client, room):
    response = client.get("/venues/")
    assert response.status_code == 200
    assert "Joutsan hyvinvointitupa" in response.text
    assert room.get_absolute_url() in response.text


def test_the_list_needs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(5):
        venue = VenueFactory()
        RoomFactory.create_batch(3, venue=venue)
    with django_assert_max_num_queries(4):
        response = client.get("/venues/")
    assert response.status_code == 200


def test_it_shows_a_venue(client, venue, room):
    venue.accessibility_notes = "Ramppi pääovella"
    venue.contact_email = "tupa@joutsa.fi"
    venue.save()
    ClosureFactory(venue=venue, reason="Juhannus", start=timezone.now() + timedelta(days=3))
    ClosureFactory(venue=venue, reason="Vanha remontti", start=timezone.now() - timedelta(days=30))

    response = client.get("/venues/joutsa/")

    assert response.status_code == 200
    text = response.text
    assert "Keskustie 1" in text
    assert "tupa@joutsa.fi" in text
    assert "Ramppi pääovella" in text
    assert "08:00–22:00" in text
    assert "Juhannus" in text
    assert "Vanha remontti" not in text
    assert room.get_absolute_url() in text


def test_a_day_without_hours_is_closed(client, db):
    venue = VenueFactory(slug="kiinni")
    OpeningHours.objects.create(venue=venue, weekday=0, opens=time(9), closes=time(17))
    response = client.get("/venues/kiinni/", HTTP_ACCEPT_LANGUAGE="en")
    assert "09:00–17:00" in response.text
    assert response.text.count("closed") == 6


def test_it_shows_a_room(client, room):
    room.hearing_loop = True
    room.equipment = "Videotykki"
    room.buffer_minutes = 15
    room.save()

    response = client.get("/venues/joutsa/sali/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    text = response.text
    assert "Videotykki" in text
    assert "Hearing loop" in text
    assert "No step-free access" in text
    assert "15 minutes" in text
    assert "up to 365 days ahead" in text
    assert "confirmed at once" in text


def test_a_room_with_its_own_hours_shows_them(client, venue, approval_room):
    open_every_day(venue, opens=time(10), closes=time(12), room=approval_room)
    response = client.get(approval_room.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "10:00–12:00" in response.text
    assert "08:00–22:00" not in response.text
    assert "A coordinator approves each booking" in response.text


@pytest.mark.parametrize(
    "path", ["/venues/nope/", "/venues/joutsa/nope/", "/venues/nope/sali/", "/venues/joutsa/sali/x/"]
)
def test_unknown_slugs_are_404(client, room, path):
    assert client.get(path).status_code == 404


def test_a_room_of_another_venue_is_404(client, room):
    other = VenueFactory(slug="muu")
    assert client.get(f"/venues/{other.slug}/sali/").status_code == 404
