"""Read-your-writes across real app servers, each with its own local-memory cache.

Two gunicorn processes (two workers each: four caches that know nothing of each other) on
one database file (or a PostgreSQL database when DATABASE_URL names one). Right after a
booking, an admin room rename and a cancellation, every answer of the feed, the week page
and the events API from any worker already shows it (issue 12: 89 of 286 did not).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.db import connection

from .admin_form import _Form

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 12  # requests per server and kind after each write


def _free_ports(count: int) -> list[int]:
    # Never fixed ports: CI runs the SQLite and PostgreSQL suites at the same time, and two
    # runs on one port would read each other's servers (another database, another token).
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def _drop(url: str) -> None:
    """The servers' PostgreSQL database goes with them (CI drops only the databases it made)."""
    if not url.startswith("postgres"):
        return
    import psycopg

    parts = urlsplit(url)
    dsn = f"host={parts.hostname} port={parts.port or 5432} user={parts.username} dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def _database(tmp_path) -> str:
    db = settings.DATABASES["default"]
    if connection.vendor != "postgresql":
        return f"sqlite:///{tmp_path / 'servers.sqlite3'}"
    import psycopg

    name = f"{db['NAME'].removeprefix('test_')}_servers"
    dsn = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("servers")
    ports = _free_ports(2)
    env = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DATABASE_URL=_database(tmp_path),
        DEBUG="true",  # plain cookies over http: the admin sign-in works without TLS
        SECRET_KEY="two-servers-test-key",
        SITE_URL=f"http://127.0.0.1:{ports[0]}",
        ACCOUNT_EMAIL_VERIFICATION="none",
        PYTHONPATH=str(ROOT),
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True, timeout=300)
    subprocess.run([*manage, "seed_demo"], env=env, cwd=ROOT, check=True, timeout=300, capture_output=True)
    token = subprocess.run(
        [*manage, "create_api_token", "volunteer1"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "tupa.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for port in ports
    ]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        deadline = time.monotonic() + 60
        for url in urls:
            while True:
                try:
                    if requests.get(url + "/healthz", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                assert time.monotonic() < deadline, "the app servers did not start"
                time.sleep(0.3)
        yield urls, token
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(20)
        _drop(env["DATABASE_URL"])


def _every_answer(urls, paths, check) -> None:
    """Each path from every server ROUNDS times, alternating, with fresh connections:
    the workers of a server take turns, so each of the four caches is asked."""
    for _round in range(ROUNDS):
        for url in urls:
            for path in paths:
                response = requests.get(url + path, headers={"Connection": "close"}, timeout=10)
                assert response.status_code == 200, (url, path, response.status_code)
                check(url + path, response)


def test_every_server_answers_with_the_latest_write(servers):
    urls, token = servers
    api = requests.Session()
    api.headers["Authorization"] = f"Token {token}"
    me = api.get(urls[0] + "/api/v1/me").json()
    association = me["associations"][0]["id"]
    rooms = requests.get(urls[0] + "/api/v1/rooms").json()["results"]
    room = next(r for r in rooms if not r["requires_approval"])
    day = date.today() + timedelta(days=120)
    week = f"/calendar/?view=week&date={day.isoformat()}"
    events = f"/api/v1/events?start={day.isoformat()}&end={(day + timedelta(days=1)).isoformat()}"
    paths = ["/calendar.ics", week, events]

    # Every cache warm with the old state first: that is what used to be served stale.
    _every_answer(urls, paths, lambda where, r: None)
    before = requests.get(urls[0] + "/calendar.ics")

    title = f"Tuore {uuid.uuid4().hex[:8]}"
    booked = api.post(
        urls[0] + "/api/v1/bookings",
        json={
            "association": association,
            "room": room["id"],
            "title": title,
            "start": f"{day.isoformat()}T12:00:00+02:00",
            "end": f"{day.isoformat()}T13:00:00+02:00",
            "public": True,
        },
    )
    assert booked.status_code == 201, booked.text

    def has_title(where, response):
        assert title in response.text, f"{where} lacks the new booking"

    _every_answer(urls, paths, has_title)

    # A room renamed in the admin of one server: the other servers' feeds name it at once.
    admin = requests.Session()
    login = admin.get(urls[1] + "/admin/login/")
    form = _Form()
    form.feed(login.text.replace('id="login-form"', 'id="login_form"'))
    csrf = dict(form.fields)["csrfmiddlewaretoken"]
    signed_in = admin.post(
        urls[1] + "/admin/login/?next=/admin/",
        data={
            "csrfmiddlewaretoken": csrf,
            "username": "coordinator",
            "password": "tupa-demo-2026",
            "next": "/admin/",
        },
    )
    assert urlsplit(signed_in.url).path == "/admin/", signed_in.url
    change = f"{urls[1]}/admin/venues/room/{room['id']}/change/"
    form = _Form()
    form.feed(admin.get(change).text)
    data: dict[str, list[str]] = {}
    for name, value in form.fields:
        data.setdefault(name, []).append(value)
    new_name = f"Sali {uuid.uuid4().hex[:6]}"
    data["name"] = [new_name]
    data["_save"] = ["Save"]
    saved = admin.post(change, data=data, headers={"Referer": change}, allow_redirects=False)
    assert saved.status_code == 302, saved.text[:2000]

    def has_room_name(where, response):
        if "/api/" not in where:
            assert new_name in response.text, f"{where} lacks the room's new name"

    _every_answer(urls, paths, has_room_name)

    # A cancellation: gone everywhere, and no server answers an old validator with 304.
    booking_id = booked.json()["id"]
    last = requests.get(urls[1] + "/calendar.ics")
    cancelled = api.post(f"{urls[1]}/api/v1/bookings/{booking_id}/cancel", json={})
    assert cancelled.status_code == 200, cancelled.text

    def lacks_title(where, response):
        assert title not in response.text, f"{where} still shows the cancelled booking"

    _every_answer(urls, paths, lacks_title)
    for url in urls:
        for validators in (
            {"If-Modified-Since": last.headers["Last-Modified"]},
            {"If-None-Match": last.headers["ETag"]},
            {"If-Modified-Since": before.headers["Last-Modified"]},
        ):
            response = requests.get(url + "/calendar.ics", headers=validators)
            assert response.status_code == 200, (url, validators)
            assert parsedate_to_datetime(response.headers["Last-Modified"]) > parsedate_to_datetime(
                last.headers["Last-Modified"]
            )
