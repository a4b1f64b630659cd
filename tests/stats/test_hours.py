"""stats/hours.py: opening-hours arithmetic without a database."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from stats import hours as h

HKI = ZoneInfo("Europe/Helsinki")
WEEK = {d: [(time(8), time(22))] for d in range(7)}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_union_merges_overlapping_and_touching_spans():
    spans = [
        (utc("2026-01-01 12:00"), utc("2026-01-01 16:00")),
        (utc("2026-01-01 10:00"), utc("2026-01-01 14:00")),
    ]
    spans.append((utc("2026-01-01 16:00"), utc("2026-01-01 17:00")))
    assert h.union(spans) == [(utc("2026-01-01 10:00"), utc("2026-01-01 17:00"))]


def test_subtract_does_not_remove_twice():
    opening = [(utc("2026-01-01 08:00"), utc("2026-01-01 20:00"))]
    holes = [
        (utc("2026-01-01 10:00"), utc("2026-01-01 14:00")),
        (utc("2026-01-01 12:00"), utc("2026-01-01 16:00")),
    ]
    assert h.seconds(h.subtract(opening, holes)) == 6 * 3600


def test_subtract_handles_holes_spanning_several_spans():
    opening = [
        (utc("2026-01-01 08:00"), utc("2026-01-01 10:00")),
        (utc("2026-01-02 08:00"), utc("2026-01-02 10:00")),
    ]
    holes = [(utc("2026-01-01 09:00"), utc("2026-01-02 09:00"))]
    assert h.subtract(opening, holes) == [
        (utc("2026-01-01 08:00"), utc("2026-01-01 09:00")),
        (utc("2026-01-02 09:00"), utc("2026-01-02 10:00")),
    ]


def test_opening_hours_are_elapsed_time_on_dst_days():
    for day in (date(2026, 3, 29), date(2026, 10, 25)):
        assert h.seconds(h.opening_intervals(day, day, HKI, WEEK)) == 14 * 3600
    night = {d: [(time(2), time(5))] for d in range(7)}
    assert h.seconds(h.opening_intervals(date(2026, 3, 29), date(2026, 3, 29), HKI, night)) == 2 * 3600
    assert h.seconds(h.opening_intervals(date(2026, 10, 25), date(2026, 10, 25), HKI, night)) == 4 * 3600


def test_without_opening_hours_a_day_is_a_whole_local_day():
    assert h.seconds(h.opening_intervals(date(2026, 3, 29), date(2026, 3, 29), HKI, None)) == 23 * 3600
    assert h.seconds(h.opening_intervals(date(2026, 10, 25), date(2026, 10, 25), HKI, None)) == 25 * 3600


def test_an_empty_week_is_closed():
    assert h.opening_intervals(date(2026, 1, 1), date(2026, 1, 31), HKI, {}) == []


def test_months_cover_the_range():
    assert h.months(date(2025, 12, 15), date(2026, 2, 3)) == [
        ("2025-12", date(2025, 12, 15), date(2025, 12, 31)),
        ("2026-01", date(2026, 1, 1), date(2026, 1, 31)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 3)),
    ]


def test_open_seconds_by_month_subtracts_closures():
    closure = [(datetime(2026, 2, 1, 20, tzinfo=HKI), datetime(2026, 2, 2, 9, tzinfo=HKI))]
    result = h.open_seconds_by_month(date(2026, 1, 31), date(2026, 2, 2), HKI, WEEK, closure)
    assert result == {"2026-01": 14 * 3600, "2026-02": 12 * 3600 + 13 * 3600}


def test_utilization_never_divides_by_zero():
    assert h.utilization(3600, 0) == 0.0
    assert h.utilization(1, 3) == 0.3333
    assert h.hours(5400) == 1.5


def test_split_by_hour_wraps_around_the_week():
    sunday_night = (6 * 24 + 23) * 60 + 30
    assert h.split_by_hour(sunday_night, 3600) == [(167, 1800.0), (0, 1800.0)]


def test_utc_offsets_find_the_changes():
    changes = h.utc_offsets(utc("2026-01-01 00:00"), utc("2027-01-01 00:00"), HKI)
    assert changes == [
        (utc("2026-01-01 00:00"), 7200),
        (utc("2026-03-29 01:00"), 10800),
        (utc("2026-10-25 01:00"), 7200),
    ]
