"""The Procfile's gunicorn answers a very long URL itself, with the security headers.

gunicorn's own 414 for a request line over 4094 bytes is plain HTML without
`X-Content-Type-Options` or `X-Frame-Options`, and no JSON under /api/ (CONTRACT.md: every
response sends them; malformed input gets a JSON 400). The Procfile lifts that limit so the
request reaches Django, which answers the bad parameter as a 400 like any other.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def _web_command(port: int) -> list[str]:
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:"))
    gunicorn = line.split("&&")[-1].strip()
    args = shlex.split(gunicorn.replace("${WEB_CONCURRENCY:-3}", "1"))
    bind = args.index("--bind")
    args[bind + 1] = f"127.0.0.1:{port}"
    return [sys.executable, "-m", *args]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("procfile")
    env = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}", DEBUG="false", SECRET_KEY="procfile-test-key")
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    port = _free_port()
    process = subprocess.Popen(
        _web_command(port),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(base + "/healthz", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


@pytest.mark.parametrize("length", [5_000, 20_000])
def test_a_very_long_query_is_a_json_400_with_the_headers(server, length):
    response = requests.get(f"{server}/api/v1/events?start={'a' * length}&end=2026-12-01", timeout=10)
    assert response.status_code == 400
    assert "start" in response.json()
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_very_long_calendar_query_is_answered_by_django(server):
    response = requests.get(f"{server}/calendar/?date={'9' * 6_000}", timeout=10)
    assert response.status_code < 500
    assert response.headers["X-Content-Type-Options"] == "nosniff"
