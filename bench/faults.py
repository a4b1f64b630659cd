"""Fault run: bookings during a Redis outage and during a database cut, mail that bounces.

    .venv/bin/python bench/faults.py                 # about a minute on 2 cores
    .venv/bin/python bench/faults.py --bookings 100 --keep-db

Production shape on this machine: gunicorn (2 workers) and the Procfile's worker
(`manage.py worker`) on a fresh PostgreSQL database with the demo data, reached through a
TCP proxy this script controls; the cache on a Redis server of its own; e-mail to an
aiosmtpd server of its own that refuses every recipient until the end. The shared
PostgreSQL and Redis are never stopped. Phases:

  normal      bookings and reads, everything up
  redis-down  the Redis server killed (-9): bookings and reads
  db-cut      the proxy drops every database connection and refuses new ones
  recovered   the proxy back: the time until /healthz is 200, then bookings and reads
  mail        the SMTP server accepts again: the time until every owed message arrived

Prints, per phase: requests, answers by class, 500s, bookings answered 201 and bookings
saved in the database; then messages owed, delivered, duplicated. Exit code 1 when any
answer was a 500, a saved booking was not answered 201 (or the other way round), or a
message was lost or sent twice. Loopback only. Not a test.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.faults.conftest import FlakySMTP, TcpProxy  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG = "postgres://postgres@127.0.0.1:5432"
HOST = "127.0.0.1"
HEL = ZoneInfo("Europe/Helsinki")
# This machine's convention: servers an engineer starts use 8150-8159.
WEB_PORT, REDIS_PORT, SMTP_PORT, PROXY_PORT = 8150, 8151, 8152, 8153


def run(args, env):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout


def psql(sql: str, db: str = "postgres") -> str:
    out = subprocess.run(
        ["psql", "-h", HOST, "-U", "postgres", "-d", db, "-qtA", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def request(method, path, body=None, token=None, timeout=20.0):
    conn = http.client.HTTPConnection(HOST, WEB_PORT, timeout=timeout)
    headers = {"Accept-Language": "fi"}
    data = None
    if body is not None:
        data = json.dumps(body)
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Token {token}"
    started = time.monotonic()
    try:
        conn.request(method, path, data, headers)
        response = conn.getresponse()
        payload = response.read()
        return response.status, payload, time.monotonic() - started, response.getheader("Retry-After")
    except OSError:
        return 0, b"", time.monotonic() - started, None
    finally:
        conn.close()


def wait_port(port, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.3):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing answers on {port}")


class Phase:
    def __init__(self, name):
        self.name = name
        self.statuses = collections.Counter()
        self.booked_201: list[str] = []
        self.titles: list[str] = []
        self.slowest = 0.0
        self.no_retry_after = 0
        self.example_4xx = ""

    def add(self, status, seconds, retry_after):
        self.statuses[status] += 1
        self.slowest = max(self.slowest, seconds)
        if status == 503 and not retry_after:
            self.no_retry_after += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bookings", type=int, default=40, help="booking POSTs per phase")
    parser.add_argument("--reads", type=int, default=40, help="reads per phase (calendar page, feed, API)")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--outage-seconds", type=float, default=8.0, help="each outage lasts at least this")
    parser.add_argument("--keep-db", action="store_true")
    options = parser.parse_args()
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is needed")

    db = f"tupa_faults_bench_{os.getpid()}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@{HOST}:{PROXY_PORT}/{db}",
        "CACHE_URL": f"redis://{HOST}:{REDIS_PORT}/0",
        "EMAIL_URL": f"smtp://{HOST}:{SMTP_PORT}",
        "EMAIL_RETRY_BASE_SECONDS": "1",
        "EMAIL_RETRY_MAX_SECONDS": "4",
        "EMAIL_MAX_ATTEMPTS": "100",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "LOG_LEVEL": "CRITICAL",
        "API_WRITE_RATE": "1000000/minute",
        "TASKS_BACKEND": "database",
        "TASKS_ABANDONED_SECONDS": "10",
    }
    redis = server = worker = None
    proxy = TcpProxy(5432)
    proxy.port = PROXY_PORT
    proxy.start()
    from aiosmtpd.controller import Controller

    smtp = FlakySMTP()
    controller = Controller(smtp, hostname=HOST, port=SMTP_PORT)
    controller.start()
    psql(f'CREATE DATABASE "{db}"')
    print(f"database {db}; preparing (migrate, seed_demo)...", flush=True)
    try:
        redis = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--bind", HOST, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_port(REDIS_PORT)
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        run([PYTHON, "manage.py", "seed_demo"], env)
        token = run([PYTHON, "manage.py", "create_api_token", "volunteer1"], env).strip().splitlines()[-1]
        # Demo data sends no mail; what is owed from here on is what this run books.
        psql("DELETE FROM django_tasks_database_dbtaskresult", db)
        server = subprocess.Popen(
            [GUNICORN, "tupa.wsgi", "--workers", "2", "--bind", f"{HOST}:{WEB_PORT}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "worker", "--interval", "0.5"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(WEB_PORT)
        while request("GET", "/healthz")[0] != 200:
            time.sleep(0.2)

        rooms = json.loads(request("GET", "/api/v1/rooms")[1])["results"]
        room = next(r["id"] for r in rooms if r.get("requires_approval") is False)
        association = json.loads(request("GET", "/api/v1/me", token=token)[1])["associations"][0]["id"]
        today = date.today()
        reads = [
            "/calendar/",
            "/calendar.ics",
            f"/api/v1/events?start={today}T00:00:00Z&end={today + timedelta(days=31)}T00:00:00Z",
            "/api/v1/venues",
        ]
        slot = iter(range(10_000))
        weekdays = [d for d in (today + timedelta(days=k) for k in range(95, 364)) if d.weekday() < 5]

        def next_booking(phase: Phase) -> dict:
            # A weekday hour beyond the demo data's 90 days and within the rooms' 365, one each.
            n = next(slot)
            day = weekdays[n // 4 % len(weekdays)]
            title = f"fault-{phase.name}-{n}"
            phase.titles.append(title)
            start = datetime(day.year, day.month, day.day, 9 + 2 * (n % 4), 0, tzinfo=HEL)
            return {
                "association": association,
                "room": room,
                "title": title,
                "start": start.isoformat(),
                "end": (start + timedelta(hours=1)).isoformat(),
            }

        def drive(phase: Phase, seconds: float = 0.0) -> Phase:
            """`--bookings` POSTs and `--reads` GETs, in rounds until `seconds` have passed."""
            began = time.monotonic()
            while True:
                one_round(phase)
                if time.monotonic() - began >= seconds:
                    return phase

        def one_round(phase: Phase) -> None:
            jobs = [("POST", "/api/v1/bookings", next_booking(phase)) for _ in range(options.bookings)]
            jobs += [("GET", reads[i % len(reads)], None) for i in range(options.reads)]
            jobs.reverse()
            lock = threading.Lock()

            def work():
                while True:
                    with lock:
                        if not jobs:
                            return
                        method, path, body = jobs.pop()
                    status, payload, seconds, retry_after = request(method, path, body, token)
                    with lock:
                        phase.add(status, seconds, retry_after)
                        if method == "POST" and status == 201:
                            phase.booked_201.append(body["title"])
                        elif 400 <= status < 500 and not phase.example_4xx:
                            phase.example_4xx = f"{status} {method} {path}: {payload[:200].decode()}"

            threads = [threading.Thread(target=work) for _ in range(options.threads)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

        phases = []
        phases.append(drive(Phase("normal")))

        redis.kill()
        redis.wait()
        phases.append(drive(Phase("redis-down"), options.outage_seconds))
        redis = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--bind", HOST, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_port(REDIS_PORT)

        proxy.cut()
        phases.append(drive(Phase("db-cut"), options.outage_seconds))
        cut_health = request("GET", "/healthz")
        proxy.restore()
        began = time.monotonic()
        while request("GET", "/healthz")[0] != 200:
            time.sleep(0.1)
        recovery = time.monotonic() - began
        phases.append(drive(Phase("recovered")))

        # Everything answered 201 owes one message (the association's admins and contact).
        owed = sum(len(p.booked_201) for p in phases)
        refused_before = smtp.refused
        smtp.refusing = False
        began = time.monotonic()
        while len(smtp.received) < owed and time.monotonic() - began < 90:
            time.sleep(0.2)
        delivery = time.monotonic() - began
        time.sleep(3)  # anything sent twice would arrive now

        print()
        print(
            f"{'phase':<12} {'requests':>8} {'2xx':>5} {'4xx':>5} {'503':>5} {'500':>5} {'other5xx':>8} "
            f"{'booked 201':>10} {'saved':>6} {'slowest s':>9}"
        )
        failures = 0
        for p in phases:
            titles = ",".join("'" + t + "'" for t in p.titles)
            saved = int(psql(f"SELECT count(*) FROM booking_booking WHERE title IN ({titles})", db))
            total = sum(p.statuses.values())
            ok = sum(v for k, v in p.statuses.items() if 200 <= k < 300)
            client = sum(v for k, v in p.statuses.items() if 400 <= k < 500)
            other = sum(v for k, v in p.statuses.items() if k >= 500 and k not in (500, 503)) + p.statuses[0]
            print(
                f"{p.name:<12} {total:>8} {ok:>5} {client:>5} {p.statuses[503]:>5} {p.statuses[500]:>5} "
                f"{other:>8} {len(p.booked_201):>10} {saved:>6} {p.slowest:>9.2f}"
            )
            if p.example_4xx:
                print(f"{'':<12} e.g. {p.example_4xx}")
            if p.statuses[500] or other or saved != len(p.booked_201) or p.no_retry_after:
                failures += 1
        ids = [m["Message-ID"] for m in smtp.received]
        duplicates = len(ids) - len(set(ids))
        print()
        print(f"/healthz during the cut: {cut_health[0]} {cut_health[1].decode()}")
        print(f"database back: /healthz 200 after {recovery:.2f} s")
        print(
            f"mail: {owed} messages owed, {refused_before} refusals while the server refused, "
            f"{len(smtp.received)} delivered {delivery:.1f} s after it accepted again, "
            f"{duplicates} duplicates"
        )
        tasks = psql("SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status", db)
        print("task results: " + ", ".join(tasks.splitlines()))
        if len(smtp.received) != owed or duplicates:
            failures += 1
        return 1 if failures else 0
    finally:
        for process in (server, worker, redis):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        controller.stop()
        proxy.cut()
        if not options.keep_db:
            psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
