"""Benchmark of the usage statistics over three years of bookings.

    .venv/bin/python bench/stats.py                 # SQLite in $TMPDIR/tupa-stats-bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tupa_stats .venv/bin/python bench/stats.py

Fills the database with `manage.py seed_demo --scale 3` when that works, else with its own
generator (bulk inserts, about three bookings a day in each of three rooms for three years),
then times the JSON API and the /stats/ page for the whole three years and prints the
median time and the number of queries of each. Not a test; the data stays for the next run.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time as clock
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on the path, where sibling benchmarks (e.g.
# bench/calendar.py) would shadow the standard library: import from the project root instead.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tupa.settings")
# Never the developer's db.sqlite3: benchmark data in a file of its own unless told otherwise.
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / 'tupa-stats-bench.sqlite3'}")

RUNS = 7
YEARS = 3
BENCH_SLUG = "bench-stats"


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database named in DATABASE_URL if it does not exist yet."""
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def generate(years: int) -> None:
    """Our own three years of data, when seed_demo --scale is not available."""
    from associations.models import Association
    from booking.models import Audience, Booking, Category, CoHost, Occurrence, Status
    from venues.models import Closure, OpeningHours, Room, Venue

    if Venue.objects.filter(slug=BENCH_SLUG).exists():
        return
    rng = random.Random(2026)
    tz = ZoneInfo("Europe/Helsinki")
    venue = Venue.objects.create(name="Bench house", slug=BENCH_SLUG, time_zone="Europe/Helsinki")
    OpeningHours.objects.bulk_create(
        OpeningHours(venue=venue, weekday=d, opens=time(8), closes=time(22)) for d in range(7)
    )
    rooms = [
        Room.objects.create(venue=venue, name=name, slug=f"{BENCH_SLUG}-{i}", capacity=cap)
        for i, (name, cap) in enumerate([("Sali", 60), ("Kokoushuone", 16), ("Keittiö", 10)])
    ]
    associations = [
        Association.objects.get_or_create(
            slug=f"{BENCH_SLUG}-{i}",
            defaults={
                "name": f"Bench association {i}",
                "contact_email": f"b{i}@example.org",
                "status": "approved",
            },
        )[0]
        for i in range(12)
    ]
    categories = [
        Category.objects.get_or_create(
            slug=f"{BENCH_SLUG}-{i}", defaults={"name_fi": s, "name_sv": s, "name_en": s}
        )[0]
        for i, s in enumerate(["Exercise", "Culture", "Crafts", "Meeting"])
    ]
    audiences = [a for a, _ in Audience.choices]
    today = date.today()
    first = date(today.year - years, today.month, 1)
    bookings, slots = [], []
    day = first
    while day <= today + timedelta(days=90):
        for room in rooms:
            for hour in rng.sample([9, 12, 15, 18], k=3):
                start = datetime.combine(day, time(hour), tzinfo=tz)
                end = start + timedelta(hours=rng.choice([1, 1.5, 2, 3]))
                status = rng.choices(
                    [Status.CONFIRMED, Status.CANCELLED, Status.PENDING], weights=[85, 10, 5]
                )[0]
                bookings.append(
                    Booking(
                        association=rng.choice(associations),
                        room=room,
                        title="Bench",
                        start=start,
                        end=end,
                        status=status,
                        category=rng.choice(categories),
                        audience=rng.choice(audiences),
                    )
                )
                attendance = (
                    rng.randint(3, room.capacity) if day < today and status == Status.CONFIRMED else None
                )
                slots.append((room, start, end, status, attendance))
        day += timedelta(days=1)
    bookings = Booking.objects.bulk_create(bookings, batch_size=2000)
    Occurrence.objects.bulk_create(
        (
            Occurrence.for_date(
                booking=b,
                room=room,
                start=start,
                end=end,
                status=status,
                attendance=attendance,
                unused=rng.random() < 0.02,
            )
            for b, (room, start, end, status, attendance) in zip(bookings, slots, strict=True)
        ),
        batch_size=2000,
    )
    CoHost.objects.bulk_create(
        (
            CoHost(
                booking=b,
                association=other,
                status=rng.choice(["accepted", "accepted", "invited", "declined"]),
            )
            for b in bookings
            if rng.random() < 0.15
            for other in [rng.choice(associations)]
            if other.pk != b.association_id
        ),
        batch_size=2000,
    )
    Closure.objects.bulk_create(
        Closure(
            venue=venue,
            room=rng.choice([None, *rooms]),
            start=datetime.combine(first + timedelta(days=d), time(0), tzinfo=tz),
            end=datetime.combine(first + timedelta(days=d + rng.randint(1, 3)), time(0), tzinfo=tz),
            reason="Bench",
        )
        for d in range(0, years * 365, 23)
    )


def populate() -> str:
    from django.core.management import call_command

    try:
        call_command("seed_demo", scale=YEARS, verbosity=0)
    except Exception as exc:  # noqa: BLE001 - any failure: fall back to our own data
        print(f"seed_demo --scale {YEARS} unavailable ({type(exc).__name__}: {exc}); generating data")
    from booking.models import Occurrence

    since = date.today() - timedelta(days=365 * YEARS)
    if Occurrence.objects.filter(start__date__gte=since).count() < 1000 * YEARS:
        generate(YEARS)
        return "own generator"
    return "seed_demo"


def measure(path: str, params: dict) -> tuple[float, int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    times, queries, status = [], 0, 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            began = clock.perf_counter()
            response = client.get(path, params, HTTP_HOST="localhost")
            times.append(clock.perf_counter() - began)
        status = response.status_code
        queries = len(captured)
    return statistics.median(times) * 1000, queries, status


def measure_participation(params: dict) -> tuple[float, int, int, int, int]:
    """The participation case: every begun confirmed date of the period carries a count (the
    worst case for the sums), measured inside a transaction that is rolled back afterwards."""
    from django.db import transaction
    from django.db.models import F

    from booking.models import Occurrence, Status

    class Rollback(Exception):
        pass

    result: tuple = ()
    try:
        with transaction.atomic():
            Occurrence.objects.filter(
                status=Status.CONFIRMED, start__date__gte=params["start"], attendance__isnull=True
            ).update(attendance=F("id") % 30)
            ms, queries, status = measure("/api/v1/stats/usage", params)
            from django.test import Client

            body = Client().get("/api/v1/stats/usage", params, HTTP_HOST="localhost").json()
            participants = sum(a["participants"] for a in body["associations"])
            recorded = sum(m["recorded_events"] for m in body["by_month"])
            result = (ms, queries, status, participants, recorded)
            raise Rollback
    except Rollback:
        pass
    return result


def main() -> None:
    url = os.environ["DATABASE_URL"]
    if url.startswith("postgres"):
        ensure_postgres_database(url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from booking.models import Occurrence

    call_command("migrate", verbosity=0)
    source = populate()
    if connection.vendor == "postgresql":
        # Fresh bulk inserts have no planner statistics until autovacuum gets to them;
        # a live database has them, so measure with them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    today = date.today()
    params = {"start": date(today.year - YEARS, today.month, 1).isoformat(), "end": today.isoformat()}
    occurrences = Occurrence.objects.filter(start__date__gte=params["start"]).count()
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, ALLOWED_HOSTS=["localhost"]):
        results = [
            ("API /api/v1/stats/usage", *measure("/api/v1/stats/usage", params)),
            ("page /stats/", *measure("/stats/", params)),
        ]
        participation = measure_participation(params)
    print(f"database: {connection.vendor}  data: {source}  period: {params['start']} .. {params['end']}")
    print(f"occurrences in the period: {occurrences}  runs: {RUNS}")
    print(f"{'what':<28}{'median ms':>10}{'queries':>9}{'status':>8}")
    for name, ms, queries, status in results:
        print(f"{name:<28}{ms:>10.1f}{queries:>9}{status:>8}")
    ms, queries, status, participants, recorded = participation
    print(f"{'API, every date counted':<28}{ms:>10.1f}{queries:>9}{status:>8}")
    print(
        f"  participants (sum over associations): {participants}"
        f"  dates with a count (sum over months): {recorded}"
    )


if __name__ == "__main__":
    main()
