"""Site-wide promises: health, schema, languages, security headers, demo data."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Max, Min
from django.utils import timezone

pytestmark = [pytest.mark.django_db]


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_openapi_schema_is_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi: 3" in response.content
    assert b"/api/v1/bookings" in response.content


@pytest.mark.parametrize("language, expected", [("fi", "fi"), ("sv", "sv"), ("en", "en"), ("de", "fi")])
def test_pages_follow_accept_language(client, language, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert f'<html lang="{expected}"'.encode() in response.content


def test_security_headers_are_sent(client):
    for url in ["/", "/api/v1/venues", "/healthz"]:
        response = client.get(url)
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db(transaction=True)  # real commits, so e-mails would really go out
def test_seed_demo_is_idempotent_and_keeps_its_promises():
    call_command("seed_demo", verbosity=0)
    from associations.models import Association, Membership
    from booking.models import Booking, Occurrence
    from venues.models import Room

    counts = (Booking.objects.count(), Occurrence.objects.count(), Room.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Booking.objects.count(), Occurrence.objects.count(), Room.objects.count()) == counts

    today = timezone.localdate()
    span = Occurrence.objects.aggregate(first=Min("start"), last=Max("start"))
    assert timezone.localdate(span["first"]) >= today - timedelta(days=90)
    assert timezone.localdate(span["last"]) <= today + timedelta(days=90)
    # Also as instants: the last date ends before now + 90 days, the first starts after now - 90.
    assert Occurrence.objects.aggregate(last=Max("end"))["last"] <= timezone.now() + timedelta(days=90)
    assert span["first"] >= timezone.now() - timedelta(days=90)
    free = Room.objects.filter(requires_approval=False, buffer_minutes=0, booking_horizon_days__gte=365)
    assert free.count() >= 2
    assert Room.objects.filter(requires_approval=True).exists()
    assert Association.objects.filter(status="approved").count() >= 3
    assert Booking.objects.filter(is_public=True, status="confirmed").exclude(rrule="").exists()
    admins = {m.user.username: m.association_id for m in Membership.objects.filter(role="admin")}
    assert admins["volunteer1"] != admins["volunteer2"]
    from django.contrib.auth import authenticate

    for username in ("coordinator", "volunteer1", "volunteer2"):
        assert authenticate(username=username, password="tupa-demo-2026") is not None

    # The coordinator's demo inbox: competing requests, a pending association, and a closure
    # that cancelled a booked date (issue 4).
    from django.core import mail

    from venues.models import Closure

    assert Association.objects.filter(status="pending").exists()
    assert Occurrence.objects.filter(room__slug="keittio", status="pending").count() >= 2
    closure = Closure.objects.get()
    hit = Occurrence.objects.filter(room=closure.room, start__lt=closure.end, end__gt=closure.start)
    assert hit.exists() and not hit.exclude(status="cancelled").exists()
    assert mail.outbox == []  # seeding never e-mails the demo people


def test_seed_demo_scale_adds_history_once():
    from booking.models import Occurrence

    call_command("seed_demo", "--scale", "1", verbosity=0)
    count = Occurrence.objects.count()
    assert Occurrence.objects.filter(start__lt=timezone.now() - timedelta(days=300)).exists()
    call_command("seed_demo", "--scale", "1", verbosity=0)
    assert Occurrence.objects.count() == count


def test_unknown_pages_get_the_sites_own_404(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b'<html lang="en"' in response.content


@pytest.mark.parametrize("path", ["/api/v1/no-such-endpoint", "/api/v1/bookings/-5", "/api/nothing"])
def test_unknown_api_urls_answer_in_json(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_unknown_pages_keep_the_site_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert '<html lang="fi">' in response.content.decode()


def test_a_server_error_in_the_api_is_json_too(rf):
    from tupa.views import server_error

    response = server_error(rf.get("/api/v1/bookings"))
    assert response.status_code == 500
    assert json.loads(response.content)["detail"]
    assert server_error(rf.get("/calendar/"))["Content-Type"].startswith("text/html")


def test_nested_serializer_errors_come_flat_in_the_contract_shape():
    from tupa.api import flat_errors

    assert flat_errors({"wishes": {"non_field_errors": ["At most 5."]}}) == {"wishes": ["At most 5."]}
    assert flat_errors({"wishes": {"0": {"start": ["Give HH:MM."]}}}) == {
        "wishes": ["[0].start: Give HH:MM."]
    }
    assert flat_errors({"wishes": [{}, {"end": ["Bad."]}]}) == {"wishes": ["[1].end: Bad."]}
    assert flat_errors({"start": ["Bad."], "detail": "Why."}) == {"start": ["Bad."], "detail": "Why."}
    assert flat_errors(["One.", "Two."]) == {"detail": "One. Two."}
