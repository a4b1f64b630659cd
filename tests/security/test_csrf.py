"""CSRF is enforced on every form and on session-authenticated API writes."""

import pytest
from django.test import Client

from .conftest import all_routes, build_url

# DRF's views are csrf_exempt at the Django level and check CSRF themselves for session
# users (token users are not exposed to CSRF), see test_session_api_writes_need_the_token.
API_PREFIX = "/api/"


@pytest.mark.parametrize("role", ["anonymous", "coordinator"])
def test_every_html_post_without_a_token_is_refused(world, role):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if role != "anonymous":
        client.force_login(getattr(world.users, role))
    accepted = []
    for route in all_routes():
        url = build_url(route, world)
        if url is None or url.startswith(API_PREFIX):
            continue
        response = client.post(url, {"name": "x", "title": "x", "reason": "x"})
        if response.status_code != 403:
            accepted.append(f"POST {url} ({route.name}) as {role}: {response.status_code}")
    assert not accepted, "answered a POST without a CSRF token:\n" + "\n".join(accepted)


def test_the_login_form_refuses_a_post_without_a_token(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "x", "password": "y"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_form_post_with_the_token_is_accepted(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users.member)
    page = client.get("/associations/new/")
    token = page.cookies["csrftoken"].value
    response = client.post("/associations/new/", {"csrfmiddlewaretoken": token, "name": ""})
    assert response.status_code in (200, 400)  # the form's own validation, not CSRF
    assert response.context["form"].errors["name"]


def test_session_api_writes_need_the_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users.admin)
    response = client.post(
        "/api/v1/bookings",
        {"association": world.association.pk, "room": world.room.pk, "title": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
