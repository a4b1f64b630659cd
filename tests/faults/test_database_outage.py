"""The database unreachable: 503 with Retry-After (JSON under /api/), never 500, and back by itself."""

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import OperationalError
from rest_framework.authtoken.models import Token

from .conftest import TcpProxy, free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]


# -- in process: errors raised in middleware and views, on any database ------------------


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails as with a dead server (sessions and users included)."""
    from django.db.backends.utils import CursorWrapper

    def fail(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", fail)
    monkeypatch.setattr(CursorWrapper, "executemany", fail)


@pytest.mark.django_db
@pytest.mark.parametrize("language, words", [("fi", "Yritä"), ("sv", "Försök"), ("en", "Try again")])
def test_pages_say_try_again_shortly_in_the_readers_language(client, users, database_down, language, words):
    response = client.get("/calendar/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert f'lang="{language}"' in response.text
    assert words in response.text


@pytest.mark.django_db
def test_a_signed_in_reader_gets_the_503_too(client, users, monkeypatch):
    # The session and the user are read in middleware, before any view.
    client.force_login(users.member)
    from django.contrib.sessions.backends.db import SessionStore

    def fail(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "load", fail)
    response = client.get("/my/bookings/")
    assert response.status_code == 503
    assert "Retry-After" in response


@pytest.mark.django_db
def test_the_api_answers_json_503(client, api, users, database_down):
    for response in [
        client.get("/api/v1/venues"),
        client.get("/api/v1/events?start=2027-01-01T00:00:00Z&end=2027-01-08T00:00:00Z"),
        client.post("/api/v1/bookings", {}, content_type="application/json", HTTP_AUTHORIZATION="Token x"),
    ]:
        assert response.status_code == 503
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"]
        assert response["Retry-After"].isdigit()


@pytest.mark.django_db
def test_healthz_says_what_is_down(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable", "cache": "ok"}


# -- a real server behind a TCP proxy that the test cuts (PostgreSQL) ---------------------


def http(port: int, method: str, path: str, body=None, token: str | None = None):
    headers = {"Accept-Language": "fi"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def server_behind_proxy(db):
    from django.db import connection

    settings_dict = connection.settings_dict
    proxy = TcpProxy(int(settings_dict.get("PORT") or 5432), settings_dict.get("HOST") or "127.0.0.1")
    proxy.start()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{settings_dict['USER']}@127.0.0.1:{proxy.port}/{settings_dict['NAME']}",
        "CACHE_URL": "locmemcache://",
        "SECRET_KEY": "fault-test-" + "x" * 40,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "60",
        "TASKS_BACKEND": "database",
        "LOG_LEVEL": "CRITICAL",
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "tupa.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, timeout=30)
        yield proxy, port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)
        proxy.cut()


@pytest.mark.postgres
def test_a_cut_database_is_503_never_500_and_recovers(server_behind_proxy, users, association, room):
    proxy, port = server_behind_proxy
    token = Token.objects.create(user=users.member).key

    def booking(day):
        return {
            "association": association.pk,
            "room": room.pk,
            "title": f"Kerho {day}",
            "start": f"2027-03-{day:02d}T18:00:00+02:00",
            "end": f"2027-03-{day:02d}T20:00:00+02:00",
        }

    status, _, body = http(port, "POST", "/api/v1/bookings", booking(1), token)
    assert status == 201, body
    assert http(port, "GET", "/calendar/")[0] == 200  # a persistent connection is now open

    proxy.cut()
    checks = [
        ("GET", "/calendar/", None),
        ("GET", "/calendar.ics", None),
        ("GET", "/api/v1/venues", None),
        ("GET", "/api/v1/me", None),
        ("POST", "/api/v1/bookings", booking(2)),
        ("GET", "/healthz", None),
    ]
    for method, path, payload in checks:
        status, headers, body = http(port, method, path, payload, token)
        assert status == 503, (path, status, body[:300])
        assert headers.get("Retry-After", "").isdigit(), path
        if path.startswith("/api/"):
            assert json.loads(body)["detail"]
    assert "Yritä" in http(port, "GET", "/calendar/")[2].decode()
    # What needs no database may still be served (an empty sign-in form); never a 500.
    for path in ["/", "/accounts/login/", "/static/css/tupa.css"]:
        assert http(port, "GET", path)[0] in (200, 503), path

    proxy.restore()
    deadline = time.monotonic() + 15
    while http(port, "GET", "/healthz")[0] != 200:
        assert time.monotonic() < deadline, "did not recover"
        time.sleep(0.2)
    assert http(port, "GET", "/calendar/")[0] == 200
    status, _, body = http(port, "POST", "/api/v1/bookings", booking(3), token)
    assert status == 201, body
    from booking.models import Booking

    assert sorted(Booking.objects.values_list("title", flat=True)) == ["Kerho 1", "Kerho 3"]
