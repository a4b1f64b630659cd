"""Reads that stay fast as the date table grows (issue 14): SQL pagination and bounded ranges."""

import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from booking import services
from booking.models import MAX_DATE_LENGTH, Status
from booking.selectors import calendar_item_pages, calendar_items
from stats.rollup import catch_up

from ..factories import BookingFactory, CoHostFactory, OccurrenceFactory, RoomFactory
from .calendar_data import cancel, local, make_event, make_series, move

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

WINDOW = {"start": local(2026, 10, 1), "end": local(2026, 11, 1)}


def _shape(items):
    return [
        (i.id, i.start, i.end, i.status, sorted(i.occurrence_ids), [h.id for h in i.hosts]) for i in items
    ]


def test_sql_pages_hold_exactly_the_items_calendar_items_builds(
    venue, room, association, other_association, users
):
    kitchen = RoomFactory(venue=venue, name="Keittiö", slug="keittio")
    # Two rooms at once, at the same start as another event: one item, ordered by its first row.
    joint = make_event(room=room, association=association, start=local(2026, 10, 5, 10))
    OccurrenceFactory(booking=joint, room=kitchen)
    CoHostFactory(booking=joint, association=other_association, status="accepted")
    make_event(room=RoomFactory(venue=venue), association=other_association, start=local(2026, 10, 5, 10))
    series = make_series(room=room, association=association, first=local(2026, 10, 6, 18), count=6)
    cancel(series, local(2026, 10, 13, 18))
    move(series, local(2026, 10, 20, 18), local(2026, 10, 21, 17))
    make_event(room=kitchen, association=association, start=local(2026, 10, 8, 9), is_public=False)
    make_event(
        room=kitchen,
        association=association,
        start=local(2026, 10, 9, 9),
        status=Status.PENDING,
    )
    # Across the window's start: overlapping, so listed.
    make_event(room=kitchen, association=association, start=local(2026, 9, 30, 23), hours=3)
    for user in (None, users.member, users.outsider):
        expected = _shape(calendar_items(**WINDOW, user=user))
        pages = calendar_item_pages(**WINDOW, user=user)
        assert pages.count() == len(expected)
        for size in (1, 2, 3, 50):
            paged = []
            for offset in range(0, len(expected) + size, size):
                paged.extend(pages[offset : offset + size])
            assert _shape(paged) == expected, f"page size {size}, user {user}"


def test_a_date_may_not_last_longer_than_the_range_reads_assume(users, association):
    start = local(2026, 10, 18, 18)
    with pytest.raises(ValidationError) as caught:
        services.booking_create(
            actor=users.admin,
            association=association,
            room=None,
            location="Leirikeskus",
            title="Kesäleiri",
            start=start,
            end=start + MAX_DATE_LENGTH + timedelta(hours=1),
        )
    assert "end" in caught.value.message_dict


@pytest.mark.postgres
def test_the_database_refuses_a_longer_date(room, association):
    booking = BookingFactory(room=room, association=association)
    with pytest.raises(IntegrityError), transaction.atomic():
        OccurrenceFactory(booking=booking, end=booking.start + MAX_DATE_LENGTH + timedelta(minutes=1))


# Ten years of dates, one every two hours in each of three rooms: big enough that PostgreSQL's
# planner prefers reading the whole table for a predicate the indexes cannot serve.
HISTORY_SQL = """
INSERT INTO booking_occurrence (booking_id, room_id, start, "end", block_end, recurrence_id,
                                status, unused, updated_at)
SELECT %(booking)s, %(room)s, t, t + interval '90 minutes', t + interval '90 minutes', t,
       'confirmed', false, now()
FROM generate_series(%(first)s::timestamptz, %(last)s::timestamptz, interval '2 hours') AS t
"""


def _explain(sql: str, params) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        return cursor.fetchone()[0][0]["Plan"]


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _occurrence_scans(plan: dict) -> list[str]:
    return [node["Node Type"] for node in _nodes(plan) if node.get("Relation Name") == "booking_occurrence"]


def _occurrence_queries(client, url: str) -> list[tuple[str, tuple]]:
    """The SELECTs on the date table that a GET of url makes, with their parameters."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    queries = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.lstrip().upper().startswith("SELECT") and '"booking_occurrence"' in sql:
            queries.append(sql)
    assert queries, f"{url} read no dates"
    return queries


@pytest.fixture
def ten_years(venue, association):
    rooms = [RoomFactory(venue=venue, name=f"Huone {n}", slug=f"huone-{n}") for n in range(3)]
    first, last = local(2017, 1, 1), local(2026, 12, 31)
    with connection.cursor() as cursor:
        for room in rooms:
            booking = BookingFactory(
                room=room, association=association, start=first, end=first + timedelta(hours=1)
            )
            cursor.execute(
                HISTORY_SQL, {"booking": booking.id, "room": room.id, "first": first, "last": last}
            )
        cursor.execute("ANALYZE booking_occurrence")
        cursor.execute("ANALYZE booking_booking")
        cursor.execute("SELECT count(*) FROM booking_occurrence")
        assert cursor.fetchone()[0] > 120_000
    return rooms


@pytest.mark.postgres
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/events?start=2026-10-01&end=2026-11-01",
        "/api/v1/events?start=2026-10-01&end=2026-11-01&page=2",
    ],
)
def test_hot_reads_do_not_scan_the_whole_date_table(client, ten_years, url):
    for sql in _occurrence_queries(client, url):
        # Django's captured SQL has the parameters inlined, as PostgreSQL would receive them.
        plan = _explain(sql, None)
        scans = _occurrence_scans(plan)
        assert "Seq Scan" not in scans, f"{url}: {scans}\n{sql}\n{json.dumps(plan, indent=1)[:3000]}"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/stats/usage?start=2025-10-01&end=2026-09-30",
        "/api/v1/stats/usage?start=2023-10-01&end=2026-09-30",
        "/stats/?start=2025-10-01&end=2026-09-30",
    ],
)
def test_the_contract_statistics_read_the_rollup_not_the_dates(client, venue, association, url):
    """Booked hours, events and visits come from the rollup (stats/rollup.py): once it is up to
    date, the contract's figures read no date at all, however many there are. (The /stats/
    page's extras, categories to heat map, still read the period's dates, through the ranges
    checked above.)"""
    room = RoomFactory(venue=venue)
    BookingFactory(room=room, association=association, start=local(2026, 3, 3), end=local(2026, 3, 4))
    catch_up()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    rollup = [q["sql"] for q in captured.captured_queries if '"stats_rollup"' in q["sql"]]
    assert rollup
    if url.startswith("/api/"):
        assert not [q["sql"] for q in captured.captured_queries if '"booking_occurrence"' in q["sql"]]


@pytest.mark.postgres
def test_without_the_lower_bound_the_same_read_scans_everything(client, ten_years):
    # The check above means something only if the unbounded predicate would scan at this size.
    (sql, *_) = _occurrence_queries(client, "/api/v1/events?start=2026-10-01&end=2026-11-01")
    unbounded = re.sub(r'AND "booking_occurrence"\."start" > \'[^\']+\'::timestamptz', "", sql)
    assert unbounded != sql
    assert "Seq Scan" in _occurrence_scans(_explain(unbounded, None))
