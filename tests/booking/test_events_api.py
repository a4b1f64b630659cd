"""GET /api/v1/events: contract shape, visibility, filters, pagination, 400s."""

from datetime import timedelta

import pytest

from booking.models import Status

from ..factories import CategoryFactory, CoHostFactory, OccurrenceFactory, RoomFactory
from .calendar_data import local, make_event, make_series

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

RANGE = "start=2026-10-01T00:00:00%2B03:00&end=2026-11-01T00:00:00%2B02:00"


def _get(client, query=RANGE):
    return client.get("/api/v1/events?" + query)


def test_it_lists_items_in_the_contract_shape(api, room, association, other_association):
    category = CategoryFactory()
    booking = make_event(room=room, association=association, start=local(2026, 10, 5, 10), category=category)
    CoHostFactory(booking=booking, association=other_association)
    response = _get(api())
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    (item,) = body["results"]
    occ = booking.occurrences.get()
    assert item == {
        "id": occ.id,
        "title": booking.title,
        "start": "2026-10-05T10:00:00+03:00",
        "end": "2026-10-05T12:00:00+03:00",
        "status": "confirmed",
        "venue": room.venue_id,
        "rooms": [room.id],
        "hosts": [
            {"id": association.id, "name": association.name},
            {"id": other_association.id, "name": other_association.name},
        ],
        "category": category.id,
        "audience": "everyone",
        "url": f"http://testserver/events/{occ.id}/",
        "booking": booking.id,
    }


def test_an_event_in_two_rooms_is_one_item(api, venue, room, association):
    kitchen = RoomFactory(venue=venue)
    booking = make_event(room=room, association=association, start=local(2026, 10, 5, 10))
    OccurrenceFactory(booking=booking, room=kitchen)
    (item,) = _get(api()).json()["results"]
    assert sorted(item["rooms"]) == sorted([room.id, kitchen.id])


def test_invited_or_declined_cohosts_are_not_hosts(api, room, association, other_association):
    booking = make_event(room=room, association=association, start=local(2026, 10, 5, 10))
    CoHostFactory(booking=booking, association=other_association, status="invited")
    (item,) = _get(api()).json()["results"]
    assert [h["id"] for h in item["hosts"]] == [association.id]
    assert _get(api(), RANGE + f"&association={other_association.id}").json()["count"] == 0


def test_private_and_pending_items_only_for_members(api, users, room, association):
    make_event(room=room, association=association, start=local(2026, 10, 5, 10), is_public=False)
    make_event(room=room, association=association, start=local(2026, 10, 6, 10), status=Status.PENDING)
    make_event(room=room, association=association, start=local(2026, 10, 7, 10))
    make_event(room=room, association=association, start=local(2026, 10, 8, 10), status=Status.CANCELLED)
    assert _get(api()).json()["count"] == 1
    assert _get(api(users.outsider)).json()["count"] == 1
    assert _get(api(users.member)).json()["count"] == 3
    statuses = {i["status"] for i in _get(api(users.admin)).json()["results"]}
    assert statuses == {"confirmed", "pending"}


def test_an_accepted_cohost_member_sees_the_private_item(api, users, room, other_association, association):
    booking = make_event(
        room=room, association=other_association, start=local(2026, 10, 5, 10), is_public=False
    )
    assert _get(api(users.member)).json()["count"] == 0
    CoHostFactory(booking=booking, association=association)
    assert _get(api(users.member)).json()["count"] == 1


def test_filters(api, venue, room, association, other_association):
    kitchen = RoomFactory(venue=venue)
    category = CategoryFactory()
    make_event(room=room, association=association, start=local(2026, 10, 5, 10), category=category)
    make_event(room=kitchen, association=other_association, start=local(2026, 10, 5, 10))
    other_venue_room = RoomFactory()
    make_event(
        room=other_venue_room, association=association, start=local(2026, 10, 5, 10), audience="seniors"
    )
    client = api()
    assert _get(client, RANGE + f"&room={room.id}").json()["count"] == 1
    assert _get(client, RANGE + f"&room={room.id}&room={kitchen.id}").json()["count"] == 2
    assert _get(client, RANGE + f"&venue={venue.id}").json()["count"] == 2
    assert _get(client, RANGE + f"&association={association.id}").json()["count"] == 2
    assert _get(client, RANGE + f"&category={category.id}").json()["count"] == 1
    assert _get(client, RANGE + "&audience=seniors").json()["count"] == 1


def test_it_returns_items_overlapping_the_range(api, room, association):
    make_event(room=room, association=association, start=local(2026, 9, 30, 23), hours=2)  # ends 1 Oct 01:00
    make_event(room=room, association=association, start=local(2026, 9, 30, 20), hours=2)  # ends before
    make_event(room=room, association=association, start=local(2026, 11, 1, 0), hours=2)  # starts at the end
    assert _get(api()).json()["count"] == 1


def test_dates_are_local_midnight_and_plus_may_arrive_as_space(api, room, association):
    make_event(room=room, association=association, start=local(2026, 10, 5, 0, 30))
    client = api()
    assert _get(client, "start=2026-10-05&end=2026-10-06").json()["count"] == 1
    assert _get(client, "start=2026-10-05T00:00:00+03:00&end=2026-10-06T00:00:00+03:00").json()["count"] == 1
    assert _get(client, "start=2026-10-04T21:00:00Z&end=2026-10-05T00:00:00Z").json()["count"] == 1


def test_it_paginates_with_absolute_links(api, room, association):
    make_series(room=room, association=association, first=local(2026, 1, 6, 18), count=52)
    body = _get(api(), "start=2026-01-01&end=2027-01-01").json()
    assert body["count"] == 52
    assert len(body["results"]) == 50
    assert body["next"].startswith("http://testserver/api/v1/events?")
    assert len(api().get(body["next"]).json()["results"]) == 2


@pytest.mark.parametrize(
    "query, field",
    [
        ("", "start"),
        ("start=2026-10-01T00:00:00%2B03:00", "end"),
        ("end=2026-10-01T00:00:00%2B03:00", "start"),
        ("start=yesterday&end=2026-10-01", "start"),
        ("start=2026-10-01T00:00:00&end=2026-10-02T00:00:00", "start"),  # no offset
        ("start=2026-13-01&end=2026-10-02", "start"),
        ("start=2026-10-01T25:00:00Z&end=2026-10-02", "start"),
        ("start=2026-10-02&end=2026-10-01", "end"),
        ("start=2026-10-01&end=2026-10-01", "end"),
        ("start=2026-01-01&end=2027-06-01", "end"),
        ("start=0001-01-01T00:00:00%2B14:00&end=2026-01-01", "start"),
        (RANGE + "&room=abc", "room"),
        (RANGE + "&venue=-1", "venue"),
        (RANGE + "&association=99999999999999999999999", "association"),
        (RANGE + "&category=1e3", "category"),
        (RANGE + "&audience=aliens", "audience"),
    ],
)
def test_bad_queries_are_400_with_the_field(api, db, query, field):
    response = _get(api(), query)
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body and isinstance(body[field], list)


def test_unknown_ids_just_match_nothing(api, db):
    assert _get(api(), RANGE + "&room=999999").json()["count"] == 0


def test_queries_do_not_grow_with_events(
    api, users, room, association, other_association, django_assert_max_num_queries
):
    client = api(users.member)
    make_event(room=room, association=association, start=local(2026, 10, 5, 10))
    with django_assert_max_num_queries(4) as first:
        _get(client)
    for n in range(50):
        booking = make_event(
            room=room,
            association=association,
            start=local(2026, 10, 6, 8) + timedelta(hours=n % 12, days=n // 12),
            hours=1,
            category=CategoryFactory(),
            is_public=n % 2 == 0,
        )
        CoHostFactory(booking=booking, association=other_association)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert _get(client).json()["count"] == 51
