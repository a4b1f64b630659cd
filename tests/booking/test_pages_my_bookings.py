"""My bookings: every booking of the user's associations, upcoming first, with pending reasons."""

from datetime import datetime, timedelta

import pytest

from booking import services
from booking.models import CoHost
from tests.factories import BookingFactory, CoHostFactory, OccurrenceFactory

from ..conftest import HEL, at

URL = "/my/bookings/"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def dated(association, room, start, title, **kw):
    booking = BookingFactory(
        association=association, room=room, title=title, start=start, end=start + timedelta(hours=2), **kw
    )
    OccurrenceFactory(booking=booking)
    return booking


def test_it_lists_upcoming_first_then_past(client, users, association, other_association, room):
    dated(association, room, at("2026-10-01", 18), "Mennyt")
    dated(association, room, at("2026-12-10", 18), "Myöhemmin")
    dated(association, room, at("2026-12-01", 18), "Pian")
    dated(other_association, room, at("2026-12-02", 18), "Muiden")
    client.force_login(users.member)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Pian") < html.index("Myöhemmin") < html.index("Mennyt")
    assert "Muiden" not in html


def test_it_includes_accepted_cohostings_only(client, users, association, other_association, room):
    accepted = dated(other_association, room, at("2026-12-02", 18), "Yhteinen")
    invited = dated(other_association, room, at("2026-12-03", 18), "Kutsuttu")
    CoHostFactory(booking=accepted, association=association, status=CoHost.Status.ACCEPTED)
    CoHostFactory(booking=invited, association=association, status=CoHost.Status.INVITED)
    client.force_login(users.member)
    html = client.get(URL).content.decode()
    assert "Yhteinen" in html and "Kutsuttu" not in html


def test_it_shows_pending_with_the_reason(client, users, association, approval_room):
    services.booking_create(
        actor=users.member,
        association=association,
        room=approval_room,
        title="Odottaa",
        start=at("2026-12-01", 18),
        end=at("2026-12-01", 20),
    )
    client.force_login(users.member)
    html = client.get(URL).content.decode()
    assert "Odottaa" in html and "Waiting for a coordinator" in html


def test_it_filters_by_association(client, users, association, other_association, room):
    users.member.memberships.create(association=other_association)
    dated(association, room, at("2026-12-01", 18), "Ekat")
    dated(other_association, room, at("2026-12-02", 18), "Tokat")
    client.force_login(users.member)
    html = client.get(URL, {"association": other_association.pk}).content.decode()
    assert "Tokat" in html and "Ekat" not in html


def test_a_foreign_association_filter_is_ignored(client, users, association, other_association, room):
    dated(other_association, room, at("2026-12-02", 18), "Tokat")
    client.force_login(users.member)
    for value in (other_association.pk, "x", "99999999999999999999"):
        response = client.get(URL, {"association": value})
        assert response.status_code == 200
        assert "Tokat" not in response.content.decode()


def test_outsider_sees_none_of_ours(client, users, association, room):
    dated(association, room, at("2026-12-01", 18), "Ekat")
    client.force_login(users.outsider)
    assert "Ekat" not in client.get(URL).content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_paginates_with_bounded_queries(client, users, association, room, django_assert_max_num_queries):
    for i in range(45):
        dated(association, room, at("2026-12-01", 8) + timedelta(days=i), f"Kerho {i:02d}")
    client.force_login(users.member)
    with django_assert_max_num_queries(9):  # 8, and the navigation's count of notices
        response = client.get(URL)
    html = response.content.decode()
    assert "Kerho 00" in html and "Kerho 20" not in html
    assert "Page 1 of 3" in html
    assert "Kerho 44" in client.get(URL, {"page": 3}).content.decode()


def test_an_admin_sees_the_invitations_waiting_for_an_answer(
    client, users, association, other_association, room
):
    from booking import services as booking_services

    booking = booking_services.booking_create(
        actor=users.admin,
        association=association,
        room=room,
        title="Syysmarkkinat",
        start=datetime(2026, 12, 5, 10, tzinfo=HEL),
        end=datetime(2026, 12, 5, 14, tzinfo=HEL),
        cohosts=[other_association],
    ).booking
    client.force_login(users.outsider)  # the other association's admin
    with_invitation = client.get("/my/bookings/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Invitations to co-host" in with_invitation
    assert f'href="/bookings/{booking.pk}/"' in with_invitation
    booking_services.cohost_respond(
        actor=users.outsider, booking=booking, association=other_association, accept=True
    )
    assert (
        "Invitations to co-host"
        not in client.get("/my/bookings/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
