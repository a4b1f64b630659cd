"""A room's week: free and busy by hour in local time, private bookings only as "Reserved"."""

import pytest

from booking import services
from tests.factories import ClosureFactory, RoomFactory

from ..conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def book(actor, association, room, start, end, *, title, public):
    return services.booking_create(
        actor=actor, association=association, room=room, title=title, start=start, end=end, is_public=public
    ).booking


def week(client, room, day="2026-12-01"):
    return client.get(f"/rooms/{room.pk}/week/", {"date": day})


def test_it_shows_a_week_grid_with_free_slots_linking_to_the_form(client, users, room):
    client.force_login(users.member)
    response = week(client, room)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<table" in html and '<th scope="col"' in html and '<th scope="row">08:00</th>' in html
    assert '<th scope="row">21:00</th>' in html and '<th scope="row">22:00</th>' not in html
    assert "Mon</abbr> 30.11." in html and "Sun</abbr> 6.12." in html
    assert f"/bookings/new/?room={room.pk}&amp;start=2026-12-01T18:00" in html
    assert "?date=2026-11-23" in html and "?date=2026-12-07" in html


def test_others_private_bookings_are_only_reserved(client, users, association, other_association, room):
    book(
        users.outsider,
        other_association,
        room,
        at("2026-12-01", 18),
        at("2026-12-01", 20),
        title="Salainen",
        public=False,
    )
    book(
        users.outsider,
        other_association,
        room,
        at("2026-12-02", 18),
        at("2026-12-02", 20),
        title="Bingo",
        public=True,
    )
    book(
        users.member,
        association,
        room,
        at("2026-12-03", 18),
        at("2026-12-03", 20),
        title="Oma kerho",
        public=False,
    )
    client.force_login(users.member)
    html = week(client, room).content.decode()
    assert "Salainen" not in html
    assert "Reserved" in html
    assert "Bingo" in html
    assert "Oma kerho" in html
    assert f"/bookings/new/?room={room.pk}&amp;start=2026-12-01T18:00" not in html


def test_closures_and_past_hours_are_not_bookable(client, users, room, venue):
    ClosureFactory(venue=venue, start=at("2026-11-25", 0), end=at("2026-11-26", 0), reason="Remontti")
    client.force_login(users.member)
    html = week(client, room, "2026-11-23").content.decode()
    assert "Closed" in html
    assert "start=2026-11-25T" not in html
    assert "start=2026-11-23T08:00" not in html  # already past
    assert "start=2026-11-23T10:00" in html


def test_room_opening_hours_set_the_rows(client, users, venue):
    from datetime import time

    from tests.factories import open_every_day

    small = RoomFactory(venue=venue)
    open_every_day(venue, opens=time(10), closes=time(14, 30), room=small)
    client.force_login(users.member)
    html = week(client, small).content.decode()
    assert '<th scope="row">10:00</th>' in html and '<th scope="row">14:00</th>' in html
    assert '<th scope="row">09:00</th>' not in html


def test_anonymous_is_sent_to_sign_in(client, room):
    response = week(client, room)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_inactive_or_unknown_room_is_404(client, users, venue):
    client.force_login(users.member)
    closed = RoomFactory(venue=venue, is_active=False)
    assert week(client, closed).status_code == 404
    assert client.get("/rooms/999999/week/").status_code == 404


def test_a_bad_date_shows_this_week(client, users, room):
    client.force_login(users.member)
    for bad in ("2026-02-30", "x", "0001-01-01", "9999-12-31"):
        response = week(client, room, bad)
        assert response.status_code == 200
        assert "Mon</abbr> 23.11." in response.content.decode()


def test_query_count_is_bounded(
    client, users, association, other_association, room, django_assert_max_num_queries
):
    for day in range(1, 6):
        book(
            users.outsider,
            other_association,
            room,
            at(f"2026-12-0{day}", 10),
            at(f"2026-12-0{day}", 12),
            title="x",
            public=False,
        )
        book(
            users.member,
            association,
            room,
            at(f"2026-12-0{day}", 14),
            at(f"2026-12-0{day}", 16),
            title="y",
            public=True,
        )
    client.force_login(users.member)
    with django_assert_max_num_queries(10):
        assert week(client, room).status_code == 200
