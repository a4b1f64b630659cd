"""The "Find a free room" page: a GET form, the free rooms, each with a prefilled booking link."""

from datetime import datetime

import pytest

from tests.conftest import HEL
from tests.factories import BookingFactory, OccurrenceFactory, RoomFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def search(client, **query):
    params = {"date": "2026-12-01", "start": "18:00", "length": "120", **query}
    return client.get("/rooms/free/", params)


def test_it_shows_the_empty_form_first(client, room):
    response = client.get("/rooms/free/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="date"' in html and 'name="length"' in html and 'name="step_free"' in html
    assert "Book this" not in html


def test_it_lists_the_free_rooms_with_a_prefilled_booking_link(client, venue, room, approval_room):
    taken = RoomFactory(venue=venue, name="Keittiö")
    booking = BookingFactory(
        room=taken, start=datetime(2026, 12, 1, 17, tzinfo=HEL), end=datetime(2026, 12, 1, 19, tzinfo=HEL)
    )
    OccurrenceFactory(booking=booking)
    response = search(client, people="8")
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 free rooms" in html
    assert "Keittiö" not in html
    assert f"/bookings/new/?room={room.pk}&amp;date=2026-12-01&amp;start=18%3A00&amp;end=20%3A00" in html
    assert "expected_attendance=8" in html
    assert "A coordinator approves bookings of this room." in html  # the approval room says so
    assert f"/rooms/{room.pk}/week/?date=2026-12-01" in html


def test_the_booking_link_fills_the_booking_form(client, users, room):
    client.force_login(users.member)
    html = search(client).content.decode()
    link = html.split('class="button" href="')[1].split('"')[0].replace("&amp;", "&")
    form = client.get(link).content.decode()
    assert f'<option value="{room.pk}" selected>' in form
    assert 'value="2026-12-01"' in form and 'value="18:00"' in form and 'value="20:00"' in form


def test_needs_and_group_size_narrow_the_list(client, venue, room):
    RoomFactory(venue=venue, name="Kirjasto", capacity=4, hearing_loop=True)
    html = search(client, hearing_loop="on").content.decode()
    assert "Kirjasto" in html and "Sali" not in html
    html = search(client, hearing_loop="on", people="5").content.decode()
    assert "No room is free then." in html


def test_times_outside_opening_hours_or_past_find_nothing(client, room):
    assert "No room is free then." in search(client, start="21:00").content.decode()
    assert "No room is free then." in search(client, date="2026-11-01").content.decode()


def test_bad_input_gets_the_error_summary(client, room):
    response = search(client, start="", length="999")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_start"' in html and 'href="#id_length"' in html


def test_a_time_past_midnight_is_refused(client, room):
    response = search(client, start="23:00", length="120")
    assert response.status_code == 400
    assert "The time must end by midnight." in response.content.decode()


def test_queries_stay_bounded(client, venue, django_assert_max_num_queries):
    RoomFactory.create_batch(25, venue=venue)
    with django_assert_max_num_queries(12):
        response = search(client)
    assert "25 free rooms" in response.content.decode()


def test_room_page_shows_its_coming_week_and_links_the_grid(client, room):
    booking = BookingFactory(
        room=room,
        title="Kuoroharjoitus",
        start=datetime(2026, 11, 24, 18, tzinfo=HEL),
        end=datetime(2026, 11, 24, 20, tzinfo=HEL),
    )
    OccurrenceFactory(booking=booking)
    private = BookingFactory(
        room=room,
        title="Hallitus",
        is_public=False,
        start=datetime(2026, 11, 25, 18, tzinfo=HEL),
        end=datetime(2026, 11, 25, 19, tzinfo=HEL),
    )
    OccurrenceFactory(booking=private)
    html = client.get(room.get_absolute_url()).content.decode()
    assert "The coming week" in html
    assert "18:00–20:00 Kuoroharjoitus" in html
    assert "Hallitus" not in html and "18:00–19:00 Reserved" in html
    assert f"/rooms/{room.pk}/week/" in html


def test_navigation_links_the_search(client, room):
    assert 'href="/rooms/free/"' in client.get("/").content.decode()
