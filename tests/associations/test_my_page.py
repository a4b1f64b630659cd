import pytest

pytestmark = pytest.mark.django_db


def test_it_lists_my_associations_with_roles(client, users, association, registrant, pending):
    client.force_login(registrant)
    response = client.get("/my/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert pending.name in response.text
    assert "Waiting for a coordinator" in response.text
    assert "/associations/kylayhdistys/members/" in response.text
    assert association.name not in response.text


def test_a_member_sees_no_management_link(client, users, association):
    client.force_login(users.member)
    response = client.get("/my/")
    assert association.name in response.text
    assert "/associations/elakelaiset/members/" not in response.text


def test_a_member_finds_the_booking_pages(client, users, association):
    client.force_login(users.member)
    text = client.get("/my/").text
    assert 'href="/bookings/new/"' in text
    assert 'href="/my/bookings/"' in text


def test_it_needs_a_bounded_number_of_queries(client, users, django_assert_max_num_queries):
    from tests.factories import MembershipFactory

    MembershipFactory.create_batch(10, user=users.member)
    client.force_login(users.member)
    with django_assert_max_num_queries(9):  # 5, and the four kinds of notices (desk.notices)
        assert client.get("/my/").status_code == 200


def test_it_requires_sign_in(client, db):
    response = client.get("/my/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
