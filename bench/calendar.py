"""Calendar read-side benchmark: one command, prints a table. Not a test.

    .venv/bin/pip install -r bench/requirements.txt   # django-scheduler, to compare against
    .venv/bin/python bench/calendar.py [--runs 15] [--keep]

Builds its own SQLite database in /tmp (never touches db.sqlite3): migrate,
`seed_demo --scale 3`, then the same series as django-scheduler Event/Rule rows. Measures,
through the whole Django stack (middleware included), median time and queries for:
the month API, the week page, the full-year feed cold, cached and revalidated (304), and the
database version read that keeps a cached feed fresh; django-scheduler's own
occurrence API over the same series for the same month (its view called directly, with
dates without offsets: see DEPENDENCIES.md, #553); and serving a file of the feed's size
as a static file (whitenoise, same client; and django.views.static.serve called directly):
the floor any dynamic feed is held against.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named calendar.py: keep its folder off the path, or it hides the stdlib module.
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import timedelta  # noqa: E402

DB = Path(tempfile.gettempdir()) / "tupa_bench_calendar.sqlite3"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="reuse the database of the last run")
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", f"sqlite:///{DB}")
    # The file really used: --keep and the fresh start must look at it, not at the default
    # (deleting another run's database by mistake).
    db_file = Path(os.environ["DATABASE_URL"].removeprefix("sqlite:///"))
    os.environ["DEBUG"] = "true"  # plain static storage: no collectstatic needed
    # Tupa's settings plus django-scheduler's app, for this benchmark only.
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.scheduler_settings"
    try:
        import schedule  # noqa: F401
    except ImportError:
        sys.exit(
            "django-scheduler is a benchmark-only dependency: .venv/bin/pip install -r bench/requirements.txt"
        )
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django.views.static import serve
    from schedule.models import Calendar as SchedCalendar
    from schedule.models import Event as SchedEvent
    from schedule.models import Rule
    from schedule.views import api_occurrences

    from booking.cache import bump_calendar_version, calendar_version
    from booking.models import Booking, Occurrence, Status
    from booking.recurrence import parse_rule

    fresh = not (args.keep and db_file.exists() and "sqlite" in settings.DATABASES["default"]["ENGINE"])
    if fresh and "sqlite" in settings.DATABASES["default"]["ENGINE"] and db_file.exists():
        db_file.unlink()
    if fresh:
        print("Preparing data: migrate, seed_demo --scale 3 ...", flush=True)
        call_command("migrate", verbosity=0)
        call_command("seed_demo", scale=3, verbosity=0)

    if connection.vendor == "sqlite":
        # SQLite keeps no planner statistics until asked (PostgreSQL's autovacuum gathers
        # them); without them it scans the status index instead of the start range.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # The same series in django-scheduler's own models.
    sched_cal, _ = SchedCalendar.objects.get_or_create(slug="bench", defaults={"name": "bench"})
    if fresh or not SchedEvent.objects.filter(calendar=sched_cal).exists():
        SchedEvent.objects.filter(calendar=sched_cal).delete()
        rules: dict[tuple, Rule] = {}
        events = []
        for booking in Booking.objects.filter(is_public=True, status=Status.CONFIRMED):
            rule = None
            last_end = (
                booking.occurrences.order_by("-end").values_list("end", flat=True).first() or booking.end
            )
            if booking.rrule:
                parts = parse_rule(booking.rrule)
                # dateutil keywords, not RRULE text (DEPENDENCIES.md); weekday names, not numbers (#231)
                params = []
                if "BYDAY" in parts:
                    params.append(f"byweekday:{parts['BYDAY']}")
                if parts.get("INTERVAL", "1") != "1":
                    params.append(f"interval:{parts['INTERVAL']}")
                key = (parts.get("FREQ", "WEEKLY"), ";".join(params))
                if key not in rules:
                    rules[key] = Rule.objects.create(
                        name=f"{key[0]} {key[1]}"[:32], description="bench", frequency=key[0], params=key[1]
                    )
                rule = rules[key]
            events.append(
                SchedEvent(
                    title=booking.title,
                    start=booking.start,
                    end=booking.end,
                    rule=rule,
                    end_recurring_period=last_end + timedelta(minutes=1) if rule else None,
                    calendar=sched_cal,
                )
            )
        SchedEvent.objects.bulk_create(events)

    now = timezone.localtime()
    month_start = now.date().replace(day=1)
    month_end = (month_start + timedelta(days=32)).replace(day=1)
    client = Client(HTTP_HOST="127.0.0.1")
    factory = RequestFactory(HTTP_HOST="127.0.0.1")

    def measure(label, call, before=None):
        times, queries, size = [], 0, 0
        for _ in range(args.runs):
            if before:
                before()
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = call()
                body = (
                    response.content if hasattr(response, "content") else b"".join(response.streaming_content)
                )
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (label, response.status_code, body[:300])
            queries, size = len(ctx.captured_queries), len(body)
        return label, statistics.median(times) * 1000, queries, size

    month_query = f"start={month_start.isoformat()}&end={month_end.isoformat()}"
    feed_holder = {}

    def feed():
        response = client.get("/calendar.ics")
        feed_holder["body"] = response.content
        return response

    rows = [
        measure("month API  /api/v1/events (1 page)", lambda: client.get(f"/api/v1/events?{month_query}")),
        measure("week page  /calendar/?view=week", lambda: client.get("/calendar/?view=week")),
        measure("feed, cold /calendar.ics", feed, before=lambda: (cache.clear(), bump_calendar_version())),
    ]
    rows.append(measure("feed, cached /calendar.ics", feed))
    etag = client.get("/calendar.ics")["ETag"]

    class _Version:  # what freshness costs: the one query every feed request makes
        status_code = 200
        content = b""

    def version():
        calendar_version()
        return _Version()

    rows.append(measure("  of which: version read (1 query)", version))
    rows.append(
        measure(
            "feed, revalidated (304)",
            lambda: _ok_304(client.get("/calendar.ics", HTTP_IF_NONE_MATCH=etag)),
        )
    )
    rows.append(
        measure(
            "django-scheduler api_occurrences (month)",
            lambda: api_occurrences(
                factory.get(
                    "/api/occurrences",
                    {
                        "start": month_start.isoformat(),
                        "end": month_end.isoformat(),
                        "calendar_slug": "bench",
                    },
                )
            ),
        )
    )
    # The floor: whitenoise serving the same bytes from static/, through the same client.
    static_file = ROOT / "static" / "bench-calendar.ics"
    static_file.write_bytes(feed_holder["body"])
    try:
        rows.append(
            measure("static file, same bytes (whitenoise)", lambda: client.get("/static/bench-calendar.ics"))
        )
    finally:
        static_file.unlink()
    direct_dir = Path(tempfile.mkdtemp(prefix="tupa-bench-"))
    (direct_dir / "calendar.ics").write_bytes(feed_holder["body"])
    rows.append(
        measure(
            "static serve() called directly",
            lambda: serve(factory.get("/static/calendar.ics"), "calendar.ics", document_root=str(direct_dir)),
        )
    )

    occurrences = Occurrence.objects.count()
    series = Booking.objects.exclude(rrule="").count()
    print(
        f"\n{Booking.objects.count()} bookings ({series} series), {occurrences} dates, "
        f"{SchedEvent.objects.filter(calendar=sched_cal).count()} django-scheduler events; "
        f"{connection.vendor}; median of {args.runs} runs\n"
    )
    print(f"{'what':44} {'median ms':>10} {'queries':>8} {'bytes':>9}")
    for label, ms, queries, size in rows:
        print(f"{label:44} {ms:10.2f} {queries:8d} {size:9d}")
    by_label = {row[0]: row for row in rows}
    month_api = by_label["month API  /api/v1/events (1 page)"][1]
    sched = by_label["django-scheduler api_occurrences (month)"][1]
    cached = by_label["feed, cached /calendar.ics"][1]
    static = by_label["static file, same bytes (whitenoise)"][1]
    version_ms = by_label["  of which: version read (1 query)"][1]
    print(f"\nmonth API vs django-scheduler: {sched / month_api:.1f}x faster (target >= 20x)")
    print(f"cached feed vs static file: {cached / static:.2f}x the static time (target <= 3x)")
    print(
        f"freshness per feed request: {by_label['feed, cached /calendar.ics'][2]} query, "
        f"{version_ms:.3f} ms (the version read from the change log)"
    )


def _ok_304(response):
    # measure() wants a 200; a revalidation answers 304 with no body.
    assert response.status_code == 304, response.status_code
    response.status_code = 200
    return response


if __name__ == "__main__":
    main()
