"""Load and contention benchmark: gunicorn on PostgreSQL with the shared cache on Redis.

    .venv/bin/python bench/load.py            # about two minutes on 2 cores
    .venv/bin/python bench/load.py --requests 500 --threads 16 --workers 4 --keep-db

Creates a fresh PostgreSQL database, migrates it, loads `manage.py seed_demo`, starts gunicorn
on a free port of 127.0.0.1, and drives it from this machine with a bounded number of requests
(each scenario also stops at its deadline). Prints requests per second and p50/p99 latency for
the calendar page, the month API, the iCalendar feed, and booking under contention: many
clients POSTing overlapping bookings of the same rooms at once. Then counts the 5xx answers and
the overlapping confirmed occurrences in the database: both must be 0, else the exit code is 1.
Loopback only. Not a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG = "postgres://postgres@127.0.0.1:5432"
HOST = "127.0.0.1"
HELSINKI = ZoneInfo("Europe/Helsinki")

OVERLAPS_SQL = """
SELECT count(*) FROM booking_occurrence a
JOIN booking_occurrence b ON a.room_id = b.room_id AND a.id < b.id
WHERE a.status = 'confirmed' AND b.status = 'confirmed' AND a.start < b."end" AND b.start < a."end"
"""


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def count(self, low: int, high: int) -> int:
        return sum(n for status, n in self.statuses.items() if low <= status < high)

    def row(self) -> str:
        lat = sorted(self.latencies) or [0.0]
        p50 = statistics.median(lat) * 1000
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
        rps = len(self.latencies) / self.elapsed if self.elapsed else 0.0
        codes = " ".join(f"{s}:{n}" for s, n in sorted(self.statuses.items()))
        return (
            f"| {self.name:<34} | {len(self.latencies):>5} | {rps:>7.1f} | {p50:>7.1f} | {p99:>7.1f} "
            f"| {self.count(500, 600):>3} | {codes} |"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def run(args: list[str], env: dict, **kwargs) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True, text=True, **kwargs)
    return done.stdout


def psql(sql: str, db: str = "postgres") -> str:
    return run(["psql", "-h", HOST, "-U", "postgres", "-d", db, "-qtA", "-c", sql], dict(os.environ)).strip()


def request(port: int, method: str, path: str, body: dict | None = None, token: str | None = None):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Accept-Language": "fi"}
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Token {token}"
    try:
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, data
    finally:
        conn.close()


def drive(name: str, port: int, jobs: list, threads: int, deadline: float) -> Result:
    """Send `jobs` ((method, path, body, token) tuples) from `threads` threads until done or deadline."""
    result = Result(name)
    queue = list(reversed(jobs))
    queue_lock = threading.Lock()
    stop_at = time.monotonic() + deadline

    def worker():
        while time.monotonic() < stop_at:
            with queue_lock:
                if not queue:
                    return
                method, path, body, token = queue.pop()
            started = time.perf_counter()
            try:
                status, _ = request(port, method, path, body, token)
            except (OSError, http.client.HTTPException):
                status = 599  # no answer at all counts as a server failure
            result.add(status, time.perf_counter() - started)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    result.elapsed = time.perf_counter() - started
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per read scenario")
    parser.add_argument("--bookings", type=int, default=400, help="booking POSTs under contention")
    parser.add_argument("--threads", type=int, default=12, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (2-4 suit 2 cores)")
    parser.add_argument("--deadline", type=float, default=60.0, help="seconds at most per scenario")
    parser.add_argument("--keep-db", action="store_true", help="leave the database for a look afterwards")
    options = parser.parse_args()

    db = f"tupa_load_{os.getpid()}"
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{db}",
        "CACHE_URL": "redis://127.0.0.1:6379/14",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "LOG_LEVEL": "WARNING",
        # A load test writes far faster than any volunteer: the per-token write limit would
        # turn the contention scenario into a measurement of 429s.
        "API_WRITE_RATE": "1000000/minute",
    }
    port = free_port()
    server = None
    print(f"database {db}; preparing (migrate, seed_demo, collectstatic)...", flush=True)
    psql(f'CREATE DATABASE "{db}"')
    try:
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        run([PYTHON, "manage.py", "seed_demo"], env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
        tokens = [
            run([PYTHON, "manage.py", "create_api_token", user], env).strip().splitlines()[-1]
            for user in ("volunteer1", "volunteer2")
        ]
        subprocess.run(["redis-cli", "-n", "14", "flushdb"], check=False, capture_output=True)
        server = subprocess.Popen(
            [GUNICORN, "tupa.wsgi", "--workers", str(options.workers), "--bind", f"{HOST}:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(60):
            try:
                if request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            raise SystemExit("gunicorn did not answer /healthz")

        rooms = json.loads(request(port, "GET", "/api/v1/rooms")[1])["results"]
        targets = [
            r["id"]
            for r in rooms
            if r.get("requires_approval") is False and r.get("name", "").lower() in ("sali", "kerhohuone")
        ] or [r["id"] for r in rooms if r.get("requires_approval") is False][:2]
        bookers = []
        for token in tokens:
            me = json.loads(request(port, "GET", "/api/v1/me", token=token)[1])
            bookers.append((token, me["associations"][0]["id"]))

        today = date.today()
        month_start = today.replace(day=1)
        month_end = (month_start + timedelta(days=32)).replace(day=1)
        month_query = urlencode(
            {
                "start": datetime.combine(month_start, datetime.min.time(), HELSINKI).isoformat(),
                "end": datetime.combine(month_end, datetime.min.time(), HELSINKI).isoformat(),
            }
        )
        n = options.requests
        # Warm up each path once (template and query caches), not counted.
        for path in ("/calendar/", f"/api/v1/events?{month_query}", "/calendar.ics"):
            request(port, "GET", path)
        results = [
            drive(
                "calendar page /calendar/",
                port,
                [("GET", "/calendar/", None, None)] * n,
                options.threads,
                options.deadline,
            ),
            drive(
                "month API /api/v1/events",
                port,
                [("GET", f"/api/v1/events?{month_query}", None, None)] * n,
                options.threads,
                options.deadline,
            ),
            drive(
                "feed /calendar.ics",
                port,
                [("GET", "/calendar.ics", None, None)] * n,
                options.threads,
                options.deadline,
            ),
        ]

        # Contention: few slots, many clients. Each slot is wanted by both associations at
        # start times 0, 30 or 60 minutes apart, so most requests overlap another one.
        rng = random.Random(7)
        slots = []
        for day_offset in range(120, 126):
            day = today + timedelta(days=day_offset)
            for room in targets:
                for hour in (10, 14, 18):
                    slots.append((day, room, hour))
        jobs = []
        for i in range(options.bookings):
            day, room, hour = rng.choice(slots)
            token, association = bookers[i % len(bookers)]
            start = datetime.combine(day, datetime.min.time(), HELSINKI).replace(hour=hour) + timedelta(
                minutes=rng.choice((0, 30, 60))
            )
            body = {
                "association": association,
                "room": room,
                "title": f"Kuormitus {i}",
                "start": start.isoformat(),
                "end": (start + timedelta(minutes=90)).isoformat(),
                "public": True,
            }
            jobs.append(("POST", "/api/v1/bookings", body, token))
        results.append(
            drive("booking POST under contention", port, jobs, max(options.threads, 16), options.deadline)
        )

        overlaps = int(psql(OVERLAPS_SQL, db) or 0)
        confirmed = int(psql("SELECT count(*) FROM booking_occurrence WHERE status = 'confirmed'", db))
        server_errors = sum(r.count(500, 600) for r in results)
        print()
        print(f"gunicorn {options.workers} workers, {max(options.threads, 16)} clients at most; loopback")
        print("| scenario                           |  reqs |   req/s | p50 ms  | p99 ms  | 5xx | statuses |")
        print("|------------------------------------|-------|---------|---------|---------|-----|----------|")
        for result in results:
            print(result.row())
        print()
        created, refused = results[-1].statuses.get(201, 0), results[-1].statuses.get(409, 0)
        print(f"bookings: {created} created (201), {refused} refused as conflicts (409)")
        print(f"5xx answers: {server_errors}")
        print(f"overlapping confirmed occurrences: {overlaps} (of {confirmed} confirmed)")
        return 1 if server_errors or overlaps else 0
    finally:
        if server is not None:
            server.terminate()
            try:
                _, err = server.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                _, err = server.communicate()
            tracebacks = [line for line in (err or "").splitlines() if "Error" in line or "Traceback" in line]
            if tracebacks:
                print("server log (errors):", *tracebacks[:20], sep="\n  ")
        if options.keep_db:
            print(f"kept database {db}")
        else:
            psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
