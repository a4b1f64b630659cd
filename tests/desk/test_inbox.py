"""The coordinator's inbox: who may see it, what it shows, and that its queries stay bounded."""

import pytest
from django.urls import reverse

from associations.models import Association
from booking.models import Status
from tests.factories import AssociationFactory, BookingFactory, CoHostFactory, OccurrenceFactory

from .conftest import at

URL = "/coordinator/"


def test_the_url_is_named():
    assert reverse("desk:inbox") == URL


def test_it_sends_anonymous_users_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["admin", "member", "outsider"])
def test_it_refuses_non_coordinators(login, users, who):
    assert login(getattr(users, who)).get(URL).status_code == 403


def test_it_shows_competing_requests_side_by_side(login, users, rivals, kitchen, association):
    first, second = rivals
    # A confirmed booking this season counts for the association's share of the room.
    done = BookingFactory(association=association, room=kitchen, start=at(-3, 10), end=at(-3, 12))
    OccurrenceFactory(booking=done)
    response = login(users.coordinator).get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    sets = response.context["conflict_sets"]
    assert len(sets) == 1
    competitors = sets[0].competitors
    assert [c.occurrence.booking for c in competitors] == [first, second]  # oldest request first
    assert competitors[0].season_hours == 2.0
    assert competitors[1].season_hours == 0
    assert competitors[1].over_capacity  # 14 expected, the kitchen holds 12
    html = response.content.decode()
    assert "Kokkikerho" in html and "Leipomispäivä" in html
    assert f'action="/coordinator/occurrences/{first.occurrences.get().pk}/approve/"' in html
    assert "room holds 12" in html


def test_it_lists_pending_bookings_associations_and_stuck_cohosts(login, users, rivals, room):
    AssociationFactory(status=Association.Status.PENDING)
    old = CoHostFactory(booking__room=room, status="invited")
    type(old).objects.filter(pk=old.pk).update(invited_at=at(-10, 12))
    response = login(users.coordinator).get(URL)
    assert {b.pk for b in response.context["page"]} == {b.pk for b in rivals}
    assert response.context["pending_associations"] == 1
    assert response.context["stuck_cohosts"] == [old]
    assert reverse("associations:pending") in response.content.decode()


def test_inbox_queries_do_not_grow_with_the_requests(
    login, users, kitchen, association, other_association, request_for, django_assert_max_num_queries
):
    client = login(users.coordinator)

    def add_sets(first_day: int, n: int) -> None:
        for day in range(first_day, first_day + n):
            request_for(users.admin, association, kitchen, at(day, 12), at(day, 14))
            request_for(users.outsider, other_association, kitchen, at(day, 13), at(day, 15))

    add_sets(5, 2)
    with django_assert_max_num_queries(20) as few:
        assert client.get(URL).status_code == 200
    add_sets(20, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(response.context["conflict_sets"]) == 14


def test_past_and_decided_requests_are_not_competing(login, users, rivals):
    first, _second = rivals
    first.occurrences.update(status=Status.DECLINED)
    assert login(users.coordinator).get(URL).context["conflict_sets"] == []
