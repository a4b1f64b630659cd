"""Notices: what waits for a person, counted in the navigation and listed on My page."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from booking.services import booking_approve, booking_cancel, booking_create, booking_decline, cohost_respond
from desk.notices import notice_count, notices_for
from desk.services import offer_freed_slots, proposal_create, waitlist_join
from tests.factories import MembershipFactory, RoomFactory

from .conftest import at

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def kinds(user):
    return [n.kind for n in notices_for(user)]


def test_a_cohost_invitation_waits_for_the_invited_admins_only(users, association, other_association, room):
    booking = booking_create(
        actor=users.outsider,
        association=other_association,
        room=room,
        title="Kyläjuhla",
        start=at(3, 12),
        end=at(3, 14),
        cohosts=[association],
    ).booking
    assert kinds(users.admin) == ["cohost_invitation"]
    assert notices_for(users.admin)[0].url == booking.get_absolute_url()
    assert kinds(users.member) == []  # members cannot answer
    assert kinds(users.outsider) == []
    cohost_respond(actor=users.admin, booking=booking, association=association, accept=True)
    assert kinds(users.admin) == []


def test_a_proposal_waits_for_the_associations_members(users, association, kitchen, request_for, venue):
    booking = request_for(users.admin, association, kitchen, at(10, 12), at(10, 15))
    hall = RoomFactory(venue=venue, name="Sali 2")
    proposal = proposal_create(
        actor=users.coordinator, booking=booking, room=hall, start=at(10, 16), end=at(10, 19)
    )
    assert kinds(users.member) == ["proposal"] and kinds(users.admin) == ["proposal"]
    assert notices_for(users.member)[0].url == proposal.get_absolute_url()
    assert kinds(users.outsider) == []


def test_decisions_are_shown_for_a_fortnight(users, association, kitchen, request_for):
    yes = request_for(users.admin, association, kitchen, at(10, 12), at(10, 13), title="Leivonta")
    no = request_for(users.admin, association, kitchen, at(11, 12), at(11, 13), title="Kokous")
    booking_approve(actor=users.coordinator, booking=yes)
    booking_decline(actor=users.coordinator, booking=no, reason="Remontti")
    found = {(n.title, n.outcome) for n in notices_for(users.member)}
    assert found == {("Leivonta", "approved"), ("Kokous", "declined")}
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        assert kinds(users.member) == []


def test_a_waitlist_offer_shows_its_deadline(users, association, other_association, room):
    taken = booking_create(
        actor=users.outsider,
        association=other_association,
        room=room,
        title="Salibandy",
        start=at(5, 18),
        end=at(5, 20),
    ).booking
    waitlist_join(
        actor=users.member, association=association, room=room, start=at(5, 18), end=at(5, 20), title="Kuoro"
    )
    assert kinds(users.member) == []
    booking_cancel(actor=users.outsider, booking=taken)
    offer_freed_slots(room=room, start=at(5, 18), end=at(5, 20))
    notice = notices_for(users.member)[0]
    assert notice.kind == "waitlist_offer" and notice.title == "Kuoro" and notice.when is not None


def test_my_page_lists_them_and_the_navigation_counts_them(
    client, users, association, other_association, room, django_assert_max_num_queries
):
    for day in (3, 4):
        booking_create(
            actor=users.outsider,
            association=other_association,
            room=room,
            title=f"Juhla {day}",
            start=at(day, 12),
            end=at(day, 14),
            cohosts=[association],
        )
    client.force_login(users.admin)
    with django_assert_max_num_queries(16):
        html = client.get("/my/").content.decode()
    assert "Waiting for you" in html
    assert "Answer the co-host invitation: Juhla 3" in html and "Juhla 4" in html
    assert '<span class="nav-count">2<span class="visually-hidden"> things wait for you</span>' in html
    client.force_login(users.member)
    html = client.get("/my/").content.decode()
    assert "Nothing waits for you now." in html and 'class="nav-count"' not in html


def test_the_list_takes_the_same_queries_however_much_waits(
    users, association, other_association, room, django_assert_num_queries
):
    for day in range(3, 13):
        booking_create(
            actor=users.outsider,
            association=other_association,
            room=room,
            title=f"Juhla {day}",
            start=at(day, 12),
            end=at(day, 14),
            cohosts=[association],
        )
    with django_assert_num_queries(4):
        assert len(notices_for(users.admin)) == 10
    with django_assert_num_queries(1):
        assert notice_count(users.admin) == 10


def test_a_second_admin_of_a_two_admin_association_is_not_counted_twice(
    users, association, other_association, room
):
    MembershipFactory(association=association, role="admin")
    booking_create(
        actor=users.outsider,
        association=other_association,
        room=room,
        title="Juhla",
        start=at(3, 12),
        end=at(3, 14),
        cohosts=[association],
    )
    assert notice_count(users.admin) == 1
