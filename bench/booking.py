"""Booking benchmark: a 52-date weekly series and a one-off, over 3 years of history.

    .venv/bin/python bench/booking.py            # SQLite and PostgreSQL, side by side
    .venv/bin/python bench/booking.py --only sqlite

Each database is fresh: migrated, seeded with `seed_demo --scale 3`, then each booking is
made through booking.services.booking_create (the path the API and the web take) inside
a transaction that is rolled back, so every round sees the same data. Prints the median
time and the queries per booking. A figure, not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"


def worker(rounds: int) -> None:
    # bench/calendar.py would shadow the standard library's calendar module (dateutil needs it).
    sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tupa.settings")
    import django

    django.setup()
    from datetime import datetime, timedelta
    from datetime import time as dtime

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from associations.models import Association, Membership
    from booking import services
    from booking.models import Occurrence
    from booking.recurrence import localize
    from venues.models import Room

    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--scale", "3", verbosity=0)
    room = Room.objects.select_related("venue").get(slug="kerhohuone")
    membership = Membership.objects.select_related("user", "association").get(user__username="volunteer1")
    user, association = membership.user, membership.association
    assert isinstance(association, Association)
    history = Occurrence.objects.count()

    def measure(rrule: str, days_ahead: int) -> tuple[float, int, int]:
        times, queries, dates = [], [], 0
        for i in range(rounds):
            day = timezone.localdate() + timedelta(days=days_ahead + i % 5)
            start = localize(datetime.combine(day, dtime(8, 0)), room.venue.tz)
            with transaction.atomic():
                with CaptureQueriesContext(connection) as ctx:
                    began = time.perf_counter()
                    result = services.booking_create(
                        actor=user,
                        association=association,
                        room=room,
                        title="Mittaus",
                        start=start,
                        end=start + timedelta(hours=1, minutes=30),
                        rrule=rrule,
                    )
                    times.append(time.perf_counter() - began)
                queries.append(len(ctx.captured_queries))
                dates = result.booking.occurrences.count()
                transaction.set_rollback(True)
        return statistics.median(times) * 1000, int(statistics.median(queries)), dates

    series = measure("FREQ=WEEKLY;COUNT=52", 1)
    single = measure("", 100)
    print(
        f"{connection.vendor}\t{history}\t{series[0]:.1f}\t{series[1]}\t{series[2]}\t{single[0]:.1f}\t{single[1]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.rounds)
        return

    rows = []
    tmp = tempfile.mkdtemp(prefix="tupa-bench-")
    targets = {"sqlite": f"sqlite:///{tmp}/bench.sqlite3", "postgresql": f"{PG}/tupa_bench_booking"}
    for name, url in targets.items():
        if args.only and args.only != name:
            continue
        if name == "postgresql":
            for sql in ("DROP DATABASE IF EXISTS tupa_bench_booking", "CREATE DATABASE tupa_bench_booking"):
                subprocess.run(["psql", PG + "/postgres", "-qc", sql], check=True)
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "SECRET_KEY": "bench"}
        out = subprocess.run(
            [sys.executable, __file__, "--worker", "--rounds", str(args.rounds)],
            env=env,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if out.returncode:
            sys.exit(f"{name} failed:\n{out.stderr}")
        rows.append(out.stdout.strip().splitlines()[-1].split("\t"))
        if name == "postgresql":
            subprocess.run(["psql", PG + "/postgres", "-qc", "DROP DATABASE tupa_bench_booking"], check=False)

    header = ["database", "history dates", "52-date series ms", "queries", "dates", "one-off ms", "queries"]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    print(f"median of {args.rounds} rounds; target: 52 dates under 150 ms, queries not growing with dates")


if __name__ == "__main__":
    main()
