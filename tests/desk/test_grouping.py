"""The pure arithmetic of the desk: no database."""

from datetime import UTC, date, datetime, timedelta

from desk.grouping import Span, candidate_starts, conflict_sets, first_free, season_bounds


def t(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


def spans(rows):
    return conflict_sets(rows, lambda r: Span(r[0], r[1], r[2]))


def test_it_groups_overlapping_requests_of_one_room():
    a, b = ("kitchen", t(12), t(15), "a"), ("kitchen", t(13), t(16), "b")
    assert spans([a, b]) == [[a, b]]


def test_it_drops_requests_that_compete_with_nobody():
    assert spans([("kitchen", t(12), t(13), "a"), ("kitchen", t(14), t(15), "b")]) == []


def test_back_to_back_does_not_compete():
    assert spans([("kitchen", t(12), t(13), "a"), ("kitchen", t(13), t(14), "b")]) == []


def test_it_chains_overlaps_into_one_set():
    a, b, c = ("k", t(10), t(12), "a"), ("k", t(11), t(14), "b"), ("k", t(13), t(15), "c")
    assert spans([c, a, b]) == [[a, b, c]]


def test_rooms_never_mix():
    a, b = ("kitchen", t(12), t(15), "a"), ("hall", t(12), t(15), "b")
    assert spans([a, b]) == []


def test_sets_come_out_in_time_order_across_rooms():
    late = [("hall", t(18), t(19), "x"), ("hall", t(18, 30), t(20), "y")]
    early = [("kitchen", t(9), t(11), "p"), ("kitchen", t(10), t(12), "q")]
    assert spans(late + early) == [early, late]


def test_the_buffer_carried_in_the_span_end_makes_near_requests_compete():
    # 12–13 with a 30-minute turnaround blocks until 13:30.
    a, b = ("k", t(12), t(13, 30), "a"), ("k", t(13, 15), t(14), "b")
    assert spans([a, b]) == [[a, b]]


def test_season_runs_from_august_to_july():
    assert season_bounds(date(2026, 11, 23)) == (date(2026, 8, 1), date(2027, 8, 1))
    assert season_bounds(date(2027, 7, 31)) == (date(2026, 8, 1), date(2027, 8, 1))
    assert season_bounds(date(2027, 8, 1)) == (date(2027, 8, 1), date(2028, 8, 1))


def test_candidates_alternate_nearest_first():
    step = timedelta(minutes=30)
    assert candidate_starts(t(12), step=step, reach=timedelta(hours=1)) == [
        t(12),
        t(12, 30),
        t(11, 30),
        t(13),
        t(11),
    ]


def test_first_free_skips_busy_and_disallowed_slots():
    busy = [(t(12), t(15))]
    candidates = candidate_starts(t(12), step=timedelta(hours=1), reach=timedelta(hours=5))
    allowed = lambda start, end: start.hour >= 9  # noqa: E731
    # Order 12, 13, 11, 14, 10, 15...: 12, 13, 11 (until 13) and 14 collide; 10–12 ends as 12 begins.
    assert first_free(candidates, timedelta(hours=2), busy, timedelta(0), allowed) == t(10)
    # With an hour's turnaround 10–12 blocks until 13; 15–17 is the nearest free.
    assert first_free(candidates, timedelta(hours=2), busy, timedelta(hours=1), allowed) == t(15)
    assert first_free(candidates[:3], timedelta(hours=2), busy, timedelta(0), allowed) is None
