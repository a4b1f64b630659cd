"""/api/v1/associations and /api/v1/me."""

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from tests.factories import AssociationFactory, UserFactory

pytestmark = [pytest.mark.django_db]


def test_only_approved_associations_are_listed(api, association):
    AssociationFactory(status="pending")
    AssociationFactory(status="rejected")
    body = api(None).get("/api/v1/associations").json()
    assert [a["id"] for a in body["results"]] == [association.pk]
    assert body["results"][0]["name"] == association.name


def test_me_lists_the_associations_the_user_may_book_for(api, users, association):
    body = api(users.admin).get("/api/v1/me").json()
    assert body == {
        "username": "admin",
        "email": users.admin.email,
        "is_coordinator": False,
        "associations": [{"id": association.pk, "name": association.name, "role": "admin"}],
    }
    assert api(users.member).get("/api/v1/me").json()["associations"][0]["role"] == "member"


def test_me_knows_a_coordinator(api, users):
    assert api(users.coordinator).get("/api/v1/me").json()["is_coordinator"] is True


def test_me_lists_every_approved_association_for_a_coordinator(api, users, association, other_association):
    # A coordinator may book for any association, so each is one they may book for.
    AssociationFactory(status="pending")
    body = api(users.coordinator).get("/api/v1/me").json()
    expected = sorted([association, other_association], key=lambda a: a.name)
    assert body["associations"] == [{"id": a.pk, "name": a.name, "role": "coordinator"} for a in expected]


def test_me_needs_a_token(api):
    assert api(None).get("/api/v1/me").status_code == 401
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/me").status_code == 401


def test_create_api_token_prints_only_the_key(capsys):
    user = UserFactory(username="volunteer9")
    call_command("create_api_token", "volunteer9")
    printed = capsys.readouterr().out
    assert printed.strip() == Token.objects.get(user=user).key
    call_command("create_api_token", "volunteer9")
    assert capsys.readouterr().out == printed  # the same token again


def test_create_api_token_refuses_unknown_users():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody")
