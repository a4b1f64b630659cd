"""Read paths at 1x and 100x the demo data, on PostgreSQL. Not a test; prints a table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tupa_scale .venv/bin/python bench/scale.py
    ... bench/scale.py --keep       # reuse the 100x data of the last run, measure only
    ... bench/scale.py --copies 9   # 10x instead of 100x

1x is `seed_demo --scale 3` (one house, three years of history and 90 days ahead). 100x
copies that house 99 times by SQL in one statement per table (venues, rooms, opening hours,
closures, bookings, co-hosts, dates and their statistics rollup), ids offset per copy,
associations shared: seconds, where seeding would take an hour. Each request goes through
the whole Django stack (middleware included) with a cold cache, and is timed as the median
of --runs. Rows for "one house" add `venue=` the original house: what a resident or officer
of one municipality asks for. The copies keep the house's municipality, so "the
municipality" is one municipality of 100 houses. After the table come the rollup's own
costs at that size and a check that it still equals the figures summed from the dates.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on the path, where bench/calendar.py would
# shadow the standard library: import from the project root instead.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tupa.settings")

# The tables copied per house: column expressions that differ from a plain copy, and which
# rows belong to the house. {off[table]} is that table's id offset per copy, k the copy number.
ROOMS = "SELECT id FROM venues_room WHERE venue_id = %(house)s"
BOOKINGS = f"SELECT id FROM booking_booking WHERE room_id IN ({ROOMS})"
COPIES = [
    (
        "venues_venue",
        {"id": "id + k * {off[venues_venue]}", "slug": "slug || '-' || k", "name": "name || ' ' || k"},
        "id = %(house)s",
    ),
    (
        "venues_room",
        {"id": "id + k * {off[venues_room]}", "venue_id": "venue_id + k * {off[venues_venue]}"},
        "venue_id = %(house)s",
    ),
    (
        "venues_openinghours",
        {
            "id": "id + k * {off[venues_openinghours]}",
            "venue_id": "venue_id + k * {off[venues_venue]}",
            "room_id": "room_id + k * {off[venues_room]}",
        },
        "venue_id = %(house)s",
    ),
    (
        "venues_closure",
        {
            "id": "id + k * {off[venues_closure]}",
            "venue_id": "venue_id + k * {off[venues_venue]}",
            "room_id": "room_id + k * {off[venues_room]}",
        },
        "venue_id = %(house)s",
    ),
    (
        "booking_booking",
        {"id": "id + k * {off[booking_booking]}", "room_id": "room_id + k * {off[venues_room]}"},
        f"room_id IN ({ROOMS})",
    ),
    (
        "booking_cohost",
        {"id": "id + k * {off[booking_cohost]}", "booking_id": "booking_id + k * {off[booking_booking]}"},
        f"booking_id IN ({BOOKINGS})",
    ),
    (
        "booking_occurrence",
        {
            "id": "id + k * {off[booking_occurrence]}",
            "booking_id": "booking_id + k * {off[booking_booking]}",
            "room_id": "room_id + k * {off[venues_room]}",
        },
        f"booking_id IN ({BOOKINGS})",
    ),
    # The statistics rollup of the house's rooms, as catching up would sum the copied dates
    # (same times, same associations, rooms of the same zone); the copy skips the triggers.
    (
        "stats_rollup",
        {"id": "id + k * {off[stats_rollup]}", "room_id": "room_id + k * {off[venues_room]}"},
        f"room_id IN ({ROOMS})",
    ),
]


def ensure_database(url: str, fresh: bool) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or fresh:
            conn.execute(f'CREATE DATABASE "{name}"')


def copy_house(house_id: int, copies: int) -> float:
    """Copy the house (its rooms, hours, closures, bookings, dates) `copies` times; seconds taken."""
    from django.db import connection, transaction

    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # The copies are consistent by construction (every id and reference offset alike):
        # skip the foreign-key triggers, which were most of the time (needs a superuser).
        cursor.execute("SET LOCAL session_replication_role = replica")
        off = {}
        for table, _, _ in COPIES:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - our names
            off[table] = cursor.fetchone()[0]
        for table, remap, where in COPIES:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = %s ORDER BY ordinal_position",
                [table],
            )
            columns = [row[0] for row in cursor.fetchall()]
            select = ", ".join(remap[c].format(off=off) if c in remap else f'"{c}"' for c in columns)
            names = ", ".join(f'"{c}"' for c in columns)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {select} FROM {table}, "  # noqa: S608 - our names
                f"generate_series(1, %(copies)s) AS k WHERE {where}",
                {"copies": copies, "house": house_id},
            )
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - began


def sizes() -> str:
    from booking.models import Booking, Occurrence
    from venues.models import Room, Venue

    return (
        f"{Venue.objects.count():,} houses, {Room.objects.count():,} rooms, "
        f"{Booking.objects.count():,} bookings, {Occurrence.objects.count():,} dates"
    )


def requests_to_measure(house_id: int, municipality_id: int) -> list[tuple[str, str, dict]]:
    today = date.today()
    month = today.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    year_ago = today - timedelta(days=365)
    three_years = today - timedelta(days=3 * 365)
    house = {"venue": house_id}
    events = {"start": month.isoformat(), "end": next_month.isoformat()}
    usage1 = {"start": year_ago.isoformat(), "end": today.isoformat()}
    usage3 = {"start": three_years.isoformat(), "end": today.isoformat()}
    return [
        ("/api/v1/events, one month, unfiltered", "/api/v1/events", events),
        ("/api/v1/events, one month, one house", "/api/v1/events", {**events, **house}),
        ("/calendar/?view=month, unfiltered", "/calendar/", {"view": "month"}),
        ("/calendar/?view=month, one house", "/calendar/", {"view": "month", **house}),
        ("/calendar.ics cold, unfiltered", "/calendar.ics", {}),
        ("/calendar.ics cold, one house", "/calendar.ics", house),
        ("/api/v1/stats/usage 1 year, all houses", "/api/v1/stats/usage", usage1),
        ("/api/v1/stats/usage 3 years, all houses", "/api/v1/stats/usage", usage3),
        ("/api/v1/stats/usage 1 year, one house", "/api/v1/stats/usage", {**usage1, **house}),
        ("/api/v1/stats/usage 3 years, one house", "/api/v1/stats/usage", {**usage3, **house}),
        (
            "/api/v1/stats/usage 3 years, the municipality",
            "/api/v1/stats/usage",
            {**usage3, "municipality": municipality_id},
        ),
        ("/stats/ page 1 year, all houses", "/stats/", usage1),
        ("/stats/ page 1 year, one house", "/stats/", {**usage1, **house}),
    ]


def measure(client, path: str, params: dict, runs: int) -> tuple[float, int, int]:
    """Median milliseconds, queries and bytes of GET path?params with a cold cache."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"{path}?{urlencode(params)}" if params else path
    timings, queries, size = [], 0, 0
    for _ in range(runs):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="fi")
            timings.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        queries = len(captured)
        size = len(response.content)
    return statistics.median(timings), queries, size


def measure_all(house_id: int, municipality_id: int, runs: int) -> dict[str, tuple[float, int, int]]:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    results = {}
    with override_settings(STORAGES=storages, ALLOWED_HOSTS=["testserver"]):
        for label, path, params in requests_to_measure(house_id, municipality_id):
            results[label] = measure(client, path, params, runs)
            print(f"  {label}: {results[label][0]:.0f} ms", flush=True)
    return results


def rollup_figures(house_id: int) -> None:
    """What keeping the rollup costs at this size, and whether it still equals the date rows."""
    from booking.models import Occurrence
    from stats import direct
    from stats.models import RollupPending
    from stats.rollup import catch_up
    from stats.selectors import usage
    from venues.models import Venue

    today = date.today()
    one = Occurrence.objects.filter(room__venue_id=house_id, status="confirmed").order_by("-start").first()
    assert one is not None
    RollupPending.objects.create(kind="s", room_id=one.room_id, start=one.start, end=one.end)
    began = time.perf_counter()
    catch_up()
    print(f"  catch-up after one changed date: {(time.perf_counter() - began) * 1000:.0f} ms", flush=True)
    RollupPending.objects.create(kind="v", venue_id=house_id)
    began = time.perf_counter()
    catch_up()
    print(f"  summing the whole house again (3 years): {time.perf_counter() - began:.1f} s", flush=True)
    house = Venue.objects.get(pk=house_id)
    for label, venue in (("one house", house), ("all houses", None)):
        figures = usage(start=today - timedelta(days=365), end=today, venue=venue)
        began = time.perf_counter()
        same = figures.as_contract() == direct.as_contract(figures)
        took = time.perf_counter() - began
        print(f"  1 year, {label}: rollup equals the date rows: {same} (reference took {took:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=99, help="copies of the house beside the original")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse the data of the last run (both sizes)")
    parser.add_argument(
        "--random-page-cost",
        type=float,
        help="measure with this planner setting (1.1 suits SSDs; PostgreSQL's default is 4)",
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/scale.py needs DATABASE_URL=postgres://...: it copies by PostgreSQL's SQL")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-scale-not-secret")
    ensure_database(url, fresh=not args.keep)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from venues.models import Venue

    scale = args.copies + 1
    if args.random_page_cost is not None:
        from django.db.backends.signals import connection_created

        def planner_setting(sender, connection, **kwargs):
            with connection.cursor() as cursor:
                cursor.execute(f"SET random_page_cost = {float(args.random_page_cost)}")

        # On every connection: Django reopens them (CONN_MAX_AGE) during a long run.
        connection_created.connect(planner_setting, weak=False)
        connection.close()
        print(f"random_page_cost = {args.random_page_cost}", flush=True)
    call_command("migrate", verbosity=0)  # with --keep too: the code measured may be newer
    if not args.keep:
        print("1x: migrate, seed_demo --scale 3 ...", flush=True)
        began = time.perf_counter()
        call_command("seed_demo", scale=3, verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"  seeded in {time.perf_counter() - began:.0f} s", flush=True)
    # The demo house: the venue with the most rooms (the other demo venue is a village hall).
    house_id = Venue.objects.annotate(n=Count("rooms")).order_by("-n", "id").values_list("id", flat=True)[0]
    # The copies keep the house's municipality: one municipality of 100 houses at 100x.
    municipality_id = Venue.objects.get(pk=house_id).municipality_id

    small = large = None
    if not args.keep:
        print(f"1x: {sizes()}", flush=True)
        small = measure_all(house_id, municipality_id, args.runs)
        seconds = copy_house(house_id, args.copies)
        print(f"{scale}x: copied the house {args.copies} times by SQL in {seconds:.1f} s", flush=True)
    print(f"{scale}x: {sizes()}", flush=True)
    large = measure_all(house_id, municipality_id, args.runs)
    rollup_figures(house_id)

    print()
    if small is None:
        print(f"| request (median of {args.runs}, cold cache) | {scale}x | queries | KB |")
        print("|---|---|---|---|")
        for label, (ms, queries, size) in large.items():
            print(f"| {label} | {ms:.0f} ms | {queries} | {size / 1024:.0f} |")
        return
    head = f"| request (median of {args.runs}, cold cache) | 1x | {scale}x | growth"
    print(f"{head} | queries 1x / {scale}x | KB {scale}x |")
    print("|---|---|---|---|---|---|")
    for label, (ms, queries, _) in small.items():
        big_ms, big_queries, big_size = large[label]
        print(
            f"| {label} | {ms:.0f} ms | {big_ms:.0f} ms | {big_ms / ms:.1f}x | {queries} / {big_queries} "
            f"| {big_size / 1024:.0f} |"
        )


if __name__ == "__main__":
    main()
