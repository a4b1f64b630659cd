"""Recurrence expansion and overlap arithmetic, without a database."""

from datetime import UTC, datetime, timedelta

import pytest
from dateutil.rrule import WEEKLY, rrule
from django.utils import translation
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from booking.overlap import overlaps
from booking.recurrence import RecurrenceError, expand, local_day_bounds, localize

from ..conftest import HEL


def local(*args) -> datetime:
    return datetime(*args, tzinfo=HEL)


def test_it_expands_a_weekly_series_at_the_same_wall_clock_time_across_dst():
    slots = expand("FREQ=WEEKLY;COUNT=3", local(2026, 10, 20, 18), local(2026, 10, 20, 20), HEL)
    assert [s.start.astimezone(HEL).hour for s in slots] == [18, 18, 18]
    assert [s.start.astimezone(HEL).utcoffset() for s in slots] == [
        timedelta(hours=3),
        timedelta(hours=2),
        timedelta(hours=2),
    ]
    assert all(s.end - s.start == timedelta(hours=2) for s in slots)


def test_a_time_that_does_not_exist_moves_forward_by_the_gap():
    # 2026-03-29 03:30 never happens in Helsinki (03:00 -> 04:00).
    assert localize(datetime(2026, 3, 29, 3, 30), HEL) == local(2026, 3, 29, 4, 30)


def test_a_time_that_happens_twice_means_the_first():
    moment = localize(datetime(2026, 10, 25, 3, 30), HEL)
    assert moment.utcoffset() == timedelta(hours=3)
    assert moment.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_a_daily_series_over_the_spring_gap_keeps_its_dates():
    slots = expand("FREQ=DAILY;COUNT=3", local(2026, 3, 28, 3, 30), local(2026, 3, 28, 5), HEL)
    assert [s.start.astimezone(HEL).strftime("%d %H:%M") for s in slots] == [
        "28 03:30",
        "29 04:30",
        "30 03:30",
    ]


def test_until_in_utc_includes_the_last_date():
    slots = expand(
        "FREQ=WEEKLY;UNTIL=20261103T160000Z", local(2026, 10, 20, 18), local(2026, 10, 20, 20), HEL
    )
    assert len(slots) == 3


def test_until_as_a_date_includes_that_day():
    slots = expand("FREQ=WEEKLY;UNTIL=20261103", local(2026, 10, 20, 18), local(2026, 10, 20, 20), HEL)
    assert len(slots) == 3


def test_rrule_prefix_and_byday_names_work():
    slots = expand(
        "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=6", local(2026, 11, 30, 10), local(2026, 11, 30, 11), HEL
    )
    assert [s.start.astimezone(HEL).weekday() for s in slots] == [0, 2, 4, 0, 2, 4]


def test_first_thursday_of_the_month():
    slots = expand("FREQ=MONTHLY;BYDAY=1TH;COUNT=3", local(2026, 12, 3, 18), local(2026, 12, 3, 20), HEL)
    assert [s.start.astimezone(HEL).date().isoformat() for s in slots] == [
        "2026-12-03",
        "2027-01-07",
        "2027-02-04",
    ]


@pytest.mark.parametrize(
    "rule, message",
    [
        ("FREQ=WEEKLY", "must end"),
        ("FREQ=HOURLY;COUNT=3", "DAILY, WEEKLY"),
        ("FREQ=DAILY;COUNT=501", "at most 500"),
        ("FREQ=DAILY;UNTIL=20300101", "at most 500"),
        ("FREQ=DAILY;COUNT=3;BYHOUR=10,12", "at most one date a day"),
        ("FREQ=WEEKLY;COUNT=0", "positive"),
        ("FREQ=WEEKLY;COUNT=2;UNTIL=20270101", "not both"),
        ("FREQ=WEEKLY;INTERVAL=x;COUNT=3", "INTERVAL"),
        ("FREQ=WEEKLY;UNTIL=tomorrow", "UNTIL"),
        ("FREQ=WEEKLY;BYDAY=XX;COUNT=3", "not valid"),
        ("nonsense", "NAME=VALUE"),
        ("FREQ=WEEKLY;COUNT=2;COUNT=3", "twice"),
    ],
)
def test_it_refuses_bad_rules_with_a_reason(rule, message):
    with translation.override("en"), pytest.raises(RecurrenceError, match=message):
        expand(rule, local(2026, 12, 1, 18), local(2026, 12, 1, 20), HEL)


def test_the_reason_is_in_the_readers_language():
    for language, words in (("fi", "Sarjalla pitää olla loppu"), ("sv", "En serie måste ta slut")):
        with translation.override(language), pytest.raises(RecurrenceError, match=words):
            expand("FREQ=WEEKLY", local(2026, 12, 1, 18), local(2026, 12, 1, 20), HEL)


def test_end_must_follow_start():
    with pytest.raises(RecurrenceError):
        expand("", local(2026, 12, 1, 18), local(2026, 12, 1, 18), HEL)


def test_dst_days_are_23_and_25_hours_long():
    spring = local_day_bounds(datetime(2026, 3, 29).date(), HEL)
    autumn = local_day_bounds(datetime(2026, 10, 25).date(), HEL)
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)


# --- properties against brute-force models -------------------------------------------

minutes = st.integers(min_value=0, max_value=24 * 60)


@given(minutes, st.integers(1, 300), minutes, st.integers(1, 300))
def test_overlap_matches_a_minute_by_minute_model(a, a_len, b, b_len):
    base = datetime(2026, 12, 1, tzinfo=UTC)
    a_start, a_end = base + timedelta(minutes=a), base + timedelta(minutes=a + a_len)
    b_start, b_end = base + timedelta(minutes=b), base + timedelta(minutes=b + b_len)
    shared_minutes = set(range(a, a + a_len)) & set(range(b, b + b_len))
    assert overlaps(a_start, a_end, b_start, b_end) == bool(shared_minutes)


@settings(max_examples=150, deadline=None)
@given(
    day=st.dates(min_value=datetime(2026, 1, 1).date(), max_value=datetime(2028, 12, 31).date()),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
    length=st.integers(15, 600),
    count=st.integers(1, 60),
    interval=st.integers(1, 3),
)
# Both found by hypothesis in CI: a series asked to start inside the spring gap, and one whose
# end falls just after the gap while its start falls inside it.
@example(day=datetime(2026, 3, 29).date(), hour=3, minute=30, length=120, count=3, interval=1)
@example(day=datetime(2026, 3, 29).date(), hour=3, minute=45, length=15, count=2, interval=1)
# A later date of the series lands in the gap (28 March 2027) with its end just after it.
@example(day=datetime(2027, 3, 21).date(), hour=3, minute=45, length=15, count=2, interval=1)
def test_weekly_expansion_matches_a_wall_clock_model(day, hour, minute, length, count, interval):
    asked_naive = datetime(day.year, day.month, day.day, hour, minute)
    start = localize(asked_naive, HEL)
    end = localize(asked_naive + timedelta(minutes=length), HEL)
    # A start inside the spring gap moves an hour on (see localize); an end just after the gap
    # can then come before it, which expand() refuses like any end before its start.
    assume(end > start)
    slots = expand(f"FREQ=WEEKLY;INTERVAL={interval};COUNT={count}", start, end, HEL)
    # Model: the series keeps the wall-clock time at which its first date really starts (the
    # same as asked, except when asked inside the spring gap), every `interval` weeks.
    start_naive = start.astimezone(HEL).replace(tzinfo=None)
    expected = [
        localize(naive, HEL).astimezone(UTC)
        for naive in rrule(WEEKLY, interval=interval, count=count, dtstart=start_naive)
    ]
    assert [s.start for s in slots] == expected
    assert len(slots) == count
    naive_dates = list(rrule(WEEKLY, interval=interval, count=count, dtstart=start_naive))
    for slot, naive in zip(slots, naive_dates, strict=True):
        exists = localize(naive, HEL).replace(tzinfo=None) == naive
        if exists:  # away from the spring gap the wall-clock time never drifts
            assert slot.start.astimezone(HEL).replace(tzinfo=None) == naive
        assert slot.end > slot.start
