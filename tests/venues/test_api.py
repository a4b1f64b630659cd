"""Open data: /api/v1/venues and /api/v1/rooms."""

import pytest

from tests.factories import RoomFactory

pytestmark = [pytest.mark.django_db]


def test_it_lists_venues_paginated(api, venue):
    body = api(None).get("/api/v1/venues").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["results"][0]["id"] == venue.pk
    assert body["results"][0]["name"] == venue.name


def test_rooms_carry_the_contract_fields(api, room, approval_room):
    body = api(None).get("/api/v1/rooms").json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["id"] == room.pk
    assert first["venue"] == room.venue_id
    assert first["capacity"] == room.capacity
    assert first["requires_approval"] is False
    assert first["buffer_minutes"] == 0
    assert body["results"][1]["requires_approval"] is True


def test_next_is_an_absolute_url(api, venue, django_assert_max_num_queries):
    RoomFactory.create_batch(55, venue=venue)
    with django_assert_max_num_queries(3):
        body = api(None).get("/api/v1/rooms").json()
    assert body["count"] == 55
    assert body["next"].startswith("http://testserver/api/v1/rooms?page=2")
    assert len(api(None).get(body["next"]).json()["results"]) == 5


@pytest.mark.parametrize("query", ["?venue=abc", "?page=abc", "?page=999", "?venue=%C2%B2"])
def test_bad_queries_are_not_500(api, room, query):
    assert api(None).get(f"/api/v1/rooms{query}").status_code in (400, 404)


def test_an_id_beyond_64_bits_is_a_400(api, room):
    # SQLite raised OverflowError (a 500) binding such a number.
    response = api(None).get("/api/v1/rooms?venue=99999999999999999999")
    assert response.status_code == 400 and "venue" in response.json()


def test_rooms_filter_by_venue(api, room):
    other = RoomFactory()
    body = api(None).get(f"/api/v1/rooms?venue={other.venue_id}").json()
    assert [r["id"] for r in body["results"]] == [other.pk]
