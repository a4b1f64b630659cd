"""The booking form for an event in several rooms, and for one held outside the house."""

from datetime import datetime

import pytest

from booking.models import Booking, Occurrence
from tests.factories import BookingFactory, OccurrenceFactory, RoomFactory

from ..conftest import HEL

URL = "/bookings/new/"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def kitchen(venue):
    return RoomFactory(venue=venue, name="Keittiö", slug="keittio")


def form_data(association, room=None, **kw) -> dict:
    data = {
        "association": association.pk,
        "room": room.pk if room else "",
        "title": "Joulumyyjäiset",
        "date": "2026-12-05",
        "start": "10:00",
        "end": "14:00",
        "repeat": "weekly",
        "count": "2",
        "is_public": "on",
        "audience": "everyone",
    }
    data.update(kw)
    return data


def test_a_fair_books_the_hall_and_the_kitchen_together(client, users, association, room, kitchen):
    client.force_login(users.member)
    response = client.post(URL, form_data(association, room, extra_rooms=[kitchen.pk]))
    assert response.status_code == 302, response.content.decode()
    booking = Booking.objects.get()
    assert sorted(booking.occurrences.values_list("room_id", flat=True)) == sorted(
        [room.pk, room.pk, kitchen.pk, kitchen.pk]
    )
    page = client.get(response["Location"]).content.decode()
    # One line per date, not per room; both rooms named.
    assert page.count("Sat 5.12.2026 10:00–14:00") == 1
    assert "Sali</a> + <a" in page and "Keittiö</a>" in page


def test_a_taken_kitchen_refuses_the_whole_fair(client, users, association, other_association, room, kitchen):
    OccurrenceFactory(
        booking=BookingFactory(
            room=kitchen,
            association=other_association,
            start=datetime(2026, 12, 12, 11, tzinfo=HEL),
            end=datetime(2026, 12, 12, 12, tzinfo=HEL),
        ),
        room=kitchen,
    )
    client.force_login(users.member)
    response = client.post(URL, form_data(association, room, extra_rooms=[kitchen.pk]))
    assert response.status_code == 409
    assert "Sat 12.12.2026" in response.content.decode()
    assert not Booking.objects.filter(association=association).exists()


def test_an_event_held_elsewhere_needs_only_a_place(client, users, association):
    client.force_login(users.member)
    response = client.post(URL, form_data(association, location="Kyläkoulun piha", repeat="none"))
    assert response.status_code == 302, response.content.decode()
    booking = Booking.objects.get()
    assert booking.room is None and booking.location == "Kyläkoulun piha"
    occurrence = Occurrence.objects.get()
    assert occurrence.room is None
    assert occurrence.start == datetime(2026, 12, 5, 10, tzinfo=HEL)
    page = client.get(response["Location"]).content.decode()
    assert "Saved. The event is in the calendar." in page  # not "the room is yours"
    assert "<dt>Where</dt>" in page
    assert "Kyläkoulun piha" in client.get(f"/events/{occurrence.pk}/").content.decode()


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({}, "room", "Choose a room, or say where the event is held."),
        ({"location": "Piha", "with_room": True}, "location", "Leave the place empty when you book a room."),
    ],
)
def test_room_or_place_is_asked_for_clearly(client, users, association, room, extra, field, message):
    client.force_login(users.member)
    with_room = extra.pop("with_room", False)
    response = client.post(URL, form_data(association, room if with_room else None, **extra))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not Booking.objects.exists()


def test_extra_rooms_need_a_room(client, users, association, kitchen):
    client.force_login(users.member)
    response = client.post(URL, form_data(association, location="Piha", extra_rooms=[kitchen.pk]))
    assert response.status_code == 400
    assert response.context["form"].errors["extra_rooms"]
    assert not Booking.objects.exists()


def test_a_room_of_another_house_is_refused_next_to_the_field(client, users, association, room):
    elsewhere = RoomFactory(name="Liikuntasali")
    client.force_login(users.member)
    response = client.post(URL, form_data(association, room, extra_rooms=[elsewhere.pk]))
    assert response.status_code == 400
    assert "Liikuntasali is in another house." in response.context["form"].errors["extra_rooms"]
