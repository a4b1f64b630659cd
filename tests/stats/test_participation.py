"""participants and recorded_events in /api/v1/stats/usage: sums of recorded visits, per
association (each host of a joint event) and per month (rooms listed), from the database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking.models import CoHost, Occurrence, Status
from stats.rollup import catch_up

from ..factories import RoomFactory
from .conftest import book

pytestmark = [pytest.mark.django_db]


def count(occurrence, n):
    Occurrence.objects.filter(pk=occurrence.pk).update(attendance=n)


def by_id(items):
    return {item["id"]: item for item in items}


def test_visits_are_summed_per_association_and_month(usage_of, room, association, other_association):
    count(book(association, room, "2026-01-06 10:00", "2026-01-06 12:00"), 12)
    count(book(association, room, "2026-01-13 10:00", "2026-01-13 12:00"), 0)  # counted: nobody came
    book(association, room, "2026-01-20 10:00", "2026-01-20 12:00")  # no count
    joint = book(
        other_association,
        room,
        "2026-02-03 18:00",
        "2026-02-03 20:00",
        cohosts=[(association, CoHost.Status.ACCEPTED)],
    )
    count(joint, 30)
    declined = book(other_association, room, "2026-02-10 18:00", "2026-02-10 20:00", status=Status.CANCELLED)
    count(declined, 99)  # a cancelled date's count is no visit
    data = usage_of("2026-01-01", "2026-02-28")
    associations = by_id(data["associations"])
    assert associations[association.pk]["participants"] == 42
    assert associations[association.pk]["recorded_events"] == 3
    assert associations[association.pk]["events"] == 4
    assert associations[other_association.pk]["participants"] == 30
    assert associations[other_association.pk]["recorded_events"] == 1
    months = {m["month"]: m for m in data["by_month"]}
    assert (months["2026-01"]["participants"], months["2026-01"]["recorded_events"]) == (12, 2)
    assert (months["2026-02"]["participants"], months["2026-02"]["recorded_events"]) == (30, 1)


def test_a_date_across_months_counts_in_the_month_it_starts(usage_of, room, association):
    count(book(association, room, "2026-01-31 21:00", "2026-02-01 01:00"), 8)
    months = {m["month"]: m for m in usage_of("2026-01-01", "2026-02-28")["by_month"]}
    assert months["2026-01"]["participants"] == 8
    assert months["2026-02"]["participants"] == 0
    # Begun before the period: it falls in the period's first month.
    months = {m["month"]: m for m in usage_of("2026-02-01", "2026-02-28")["by_month"]}
    assert months["2026-02"]["participants"] == 8


def test_the_venue_filter_leaves_other_rooms_out(usage_of, room, association):
    elsewhere = RoomFactory()
    count(book(association, room, "2026-01-06 10:00", "2026-01-06 12:00"), 5)
    count(book(association, elsewhere, "2026-01-07 10:00", "2026-01-07 12:00"), 7)
    data = usage_of("2026-01-01", "2026-01-31", venue=room.venue_id)
    assert data["by_month"][0]["participants"] == 5
    assert by_id(data["associations"])[association.pk]["participants"] == 5


def queries_for(api, start, end) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api().get("/api/v1/stats/usage", {"start": start, "end": end}).status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_the_period(api, room, association, other_association):
    for month in range(1, 13):
        count(book(association, room, f"2026-{month:02d}-06 10:00", f"2026-{month:02d}-06 12:00"), month)
        book(
            other_association,
            room,
            f"2026-{month:02d}-07 10:00",
            f"2026-{month:02d}-07 12:00",
            cohosts=[(association, CoHost.Status.ACCEPTED)],
        )
    catch_up()  # the figures' own queries; the catch-up's are bounded in test_rollup.py
    one_month = queries_for(api, "2026-03-01", "2026-03-31")
    three_years = queries_for(api, "2024-01-01", "2026-12-31")
    assert one_month == three_years
    assert three_years <= 8


def test_dates_held_elsewhere_count_by_month_when_all_venues_are_shown(usage_of, room, association):
    count(book(association, room, "2026-01-06 10:00", "2026-01-06 12:00"), 5)
    count(book(association, None, "2026-01-08 10:00", "2026-01-08 12:00", location="Tori"), 20)
    everything = usage_of("2026-01-01", "2026-01-31")
    assert everything["by_month"][0]["participants"] == 25
    assert everything["by_month"][0]["recorded_events"] == 2
    assert by_id(everything["associations"])[association.pk]["participants"] == 25
    # A venue's figures leave the market square out.
    assert usage_of("2026-01-01", "2026-01-31", venue=room.venue_id)["by_month"][0]["participants"] == 5
