from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from associations.models import Invitation, Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(association, users):
    return Invitation.objects.create(
        association=association, email="uusi@example.org", invited_by=users.admin
    )


@pytest.fixture
def newcomer(db):
    return UserFactory(username="newcomer", email="toinen@example.org")


def test_it_shows_the_invitation_to_anyone(client, invitation):
    response = client.get(f"/invitations/{invitation.token}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Joutsan Eläkeläiset ry" in response.text
    assert "/accounts/login/?next=" in response.text


def test_any_signed_in_account_may_accept(client, invitation, newcomer):
    client.force_login(newcomer)
    response = client.post(f"/invitations/{invitation.token}/")
    assert response.status_code == 302
    assert response.url == "/my/"
    assert Membership.objects.get(user=newcomer).role == "member"
    invitation.refresh_from_db()
    assert invitation.accepted_by == newcomer


def test_accepting_needs_sign_in(client, invitation):
    response = client.post(f"/invitations/{invitation.token}/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not Membership.objects.filter(association=invitation.association, user__username="uusi").exists()


def test_a_used_invitation_says_so(client, invitation, newcomer, users):
    client.force_login(newcomer)
    client.post(f"/invitations/{invitation.token}/")
    client.force_login(users.outsider)
    response = client.post(f"/invitations/{invitation.token}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "already been used" in response.text
    assert not Membership.objects.filter(user=users.outsider, association=invitation.association).exists()


def test_an_invitation_expires_after_14_days(client, invitation, newcomer):
    with time_machine.travel(timezone.now() + timedelta(days=13, hours=23)):
        assert client.get(f"/invitations/{invitation.token}/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=14, minutes=1)):
        client.force_login(newcomer)  # a fresh session: the old one would have expired too
        response = client.post(f"/invitations/{invitation.token}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "expired" in response.text
    assert not Membership.objects.filter(user=newcomer).exists()


def test_an_admin_invitation_makes_an_admin(client, association, users, newcomer):
    invitation = Invitation.objects.create(association=association, email="x@example.org", role="admin")
    client.force_login(users.member)
    client.post(f"/invitations/{invitation.token}/")
    assert Membership.objects.get(user=users.member, association=association).role == "admin"


@pytest.mark.parametrize("token", ["nope", "x" * 300, "%00"])
def test_unknown_token_is_404(client, db, token):
    assert client.get(f"/invitations/{token}/").status_code == 404
