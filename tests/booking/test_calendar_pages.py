"""/calendar/ (list, week, month) and the event page."""

from datetime import timedelta

import pytest

from booking.models import Status

from ..factories import CategoryFactory, CoHostFactory, RoomFactory
from .calendar_data import local, make_event, make_series

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.mark.parametrize("view", ["list", "week", "month"])
def test_it_shows_public_events_in_each_view(client, room, association, view):
    make_event(room=room, association=association, start=local(2026, 10, 2, 18), title="Tuolijumppa")
    make_event(
        room=room, association=association, start=local(2026, 10, 2, 10), title="Salainen", is_public=False
    )
    response = client.get(f"/calendar/?view={view}&date=2026-10-02")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tuolijumppa" in html
    assert "Salainen" not in html
    assert "18:00" in html  # local time, not UTC
    assert 'style="' not in html


def test_the_list_is_the_default(client, room, association):
    make_event(room=room, association=association, start=local(2026, 10, 3, 18), title="Kuoro")
    response = client.get("/calendar/")
    assert response.context["view"] == "list"
    assert "Kuoro" in response.content.decode()


def test_the_month_is_an_accessible_table(client, db):
    html = client.get("/calendar/?view=month&date=2026-10-15").content.decode()
    assert "<caption" in html and '<th scope="col">' in html


def test_members_see_their_private_events(client, users, room, association):
    make_event(
        room=room,
        association=association,
        start=local(2026, 10, 2, 10),
        title="Hallituksen kokous",
        is_public=False,
    )
    client.force_login(users.member)
    assert "Hallituksen kokous" in client.get("/calendar/").content.decode()
    client.force_login(users.outsider)
    assert "Hallituksen kokous" not in client.get("/calendar/").content.decode()


def test_filters_and_subscribe_links(client, venue, room, association):
    kitchen = RoomFactory(venue=venue, name="Keittiö")
    make_event(
        room=room, association=association, start=local(2026, 10, 2, 10), title="Salissa", audience="seniors"
    )
    make_event(room=kitchen, association=association, start=local(2026, 10, 2, 12), title="Keittiössä")
    html = client.get(f"/calendar/?room={kitchen.id}").content.decode()
    assert "Keittiössä" in html and "Salissa" not in html
    assert f"webcal://testserver/calendar.ics?room={kitchen.id}" in html
    assert 'webcal://testserver/calendar.ics"' in html
    html = client.get("/calendar/?audience=seniors").content.decode()
    assert "Salissa" in html and "Keittiössä" not in html


@pytest.mark.parametrize(
    "query",
    [
        "view=year",
        "date=2026-02-30",
        "date=tomorrow",
        "room=abc",
        "audience=x",
        "date=0000-01-01",
        "room=99999999999999999999999",
    ],
)
def test_bad_input_is_answered_with_a_message_not_a_500(client, db, query):
    response = client.get("/calendar/?" + query)
    assert response.status_code == 400
    assert b"cal-messages" in response.content


@pytest.mark.parametrize("view", ["list", "week", "month"])
def test_queries_do_not_grow_with_events(client, room, association, view, django_assert_max_num_queries):
    make_event(room=room, association=association, start=local(2026, 10, 2, 10))
    url = f"/calendar/?view={view}&date=2026-10-02"
    with django_assert_max_num_queries(8) as first:
        client.get(url)
    for n in range(50):
        booking = make_event(
            room=RoomFactory(),  # rooms of other houses too: select_related, not a query each
            association=association,
            start=local(2026, 10, 2, 8) + timedelta(hours=n % 12, days=n // 12 % 3),
            category=CategoryFactory(),
        )
        CoHostFactory(booking=booking)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_event_page(client, room, association, other_association):
    booking = make_event(
        room=room,
        association=association,
        start=local(2026, 10, 2, 18),
        title="Yhteislaulu",
        description="Laulamme yhdessä.",
        remote_url="https://meet.example.org/laulu",
        category=CategoryFactory(),
    )
    CoHostFactory(booking=booking, association=other_association)
    occ = booking.occurrences.get()
    response = client.get(f"/events/{occ.id}/", HTTP_ACCEPT_LANGUAGE="fi")  # the category's Finnish name
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Yhteislaulu",
        association.name,
        other_association.name,
        "Sali",
        "18:00",
        "https://meet.example.org/laulu",
        f"/events/{occ.id}.ics",
        '<script type="application/ld+json">',
        "Liikunta",
    ):
        assert text in html, text
    assert 'style="' not in html and "<script>" not in html


def test_private_and_pending_events_are_404_outside_the_association(client, users, room, association):
    private = make_event(room=room, association=association, start=local(2026, 10, 2, 10), is_public=False)
    pending = make_event(
        room=room, association=association, start=local(2026, 10, 3, 10), status=Status.PENDING
    )
    cancelled = make_event(
        room=room, association=association, start=local(2026, 10, 4, 10), status=Status.CANCELLED
    )
    for booking in (private, pending, cancelled):
        occ = booking.occurrences.get()
        assert client.get(f"/events/{occ.id}/").status_code == 404
        assert client.get(f"/events/{occ.id}.ics").status_code == 404
    client.force_login(users.outsider)
    assert client.get(f"/events/{private.occurrences.get().id}/").status_code == 404
    client.force_login(users.member)
    assert client.get(f"/events/{private.occurrences.get().id}/").status_code == 200
    assert client.get(f"/events/{pending.occurrences.get().id}/").status_code == 200
    assert client.get("/events/999999/").status_code == 404


def test_a_series_date_has_its_own_page(client, room, association):
    booking = make_series(room=room, association=association, first=local(2026, 10, 6, 18), count=3)
    occ = booking.occurrences.order_by("start")[2]
    response = client.get(f"/events/{occ.id}/")
    assert response.context["item"].start == occ.start
