"""Plain-words recurrence both ways; no database."""

from datetime import date

import pytest
from django.utils import translation

from booking import plain_rrule as pr
from booking.recurrence import expand

TUESDAY = date(2026, 12, 1)  # the first Tuesday of December


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("kwargs", "rule"),
    [
        ({"repeat": "none"}, ""),
        ({"repeat": "weekly", "until": date(2027, 5, 31)}, "FREQ=WEEKLY;UNTIL=20270531"),
        ({"repeat": "weekly", "weekdays": [1], "count": 10}, "FREQ=WEEKLY;COUNT=10"),
        ({"repeat": "weekly", "weekdays": [3, 1], "count": 10}, "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10"),
        ({"repeat": "weekly", "weekdays": [3], "count": 4}, "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4"),
        ({"repeat": "biweekly", "count": 5}, "FREQ=WEEKLY;INTERVAL=2;COUNT=5"),
        ({"repeat": "monthly", "count": 6}, "FREQ=MONTHLY;BYDAY=+1TU;COUNT=6"),
        ({"repeat": "daily", "count": 3}, "FREQ=DAILY;COUNT=3"),
    ],
)
def test_it_builds_rules(kwargs, rule):
    assert pr.build(start=TUESDAY, **kwargs) == rule


def test_a_fifth_weekday_means_the_last():
    assert pr.build(repeat="monthly", start=date(2026, 12, 29), count=3) == "FREQ=MONTHLY;BYDAY=-1TU;COUNT=3"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"repeat": "weekly"}, "until"),
        ({"repeat": "weekly", "count": 3, "until": date(2027, 1, 1)}, "until"),
        ({"repeat": "weekly", "count": 0}, "count"),
        ({"repeat": "weekly", "until": date(2026, 11, 1)}, "until"),
        ({"repeat": "hourly", "count": 3}, "repeat"),
    ],
)
def test_it_refuses_unfinished_series(kwargs, field):
    with pytest.raises(pr.PlainRuleError) as error:
        pr.build(start=TUESDAY, **kwargs)
    assert error.value.field == field


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("", "Does not repeat"),
        ("FREQ=WEEKLY;UNTIL=20270531", "Every Tuesday, until May 31, 2027"),
        ("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10", "Every Tuesday and Thursday, 10 times"),
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=10", "Every Monday, Wednesday and Friday, 10 times"),
        ("FREQ=WEEKLY;INTERVAL=2;COUNT=5", "Every other Tuesday, 5 times"),
        ("FREQ=MONTHLY;BYDAY=+1TH;COUNT=6", "Every month on the first Thursday, 6 times"),
        ("FREQ=MONTHLY;BYDAY=-1TU;COUNT=1", "Every month on the last Tuesday, once"),
        ("FREQ=DAILY;COUNT=3", "Every day, 3 times"),
        ("FREQ=DAILY;INTERVAL=3;COUNT=3", "Every 3 days, 3 times"),
        ("FREQ=YEARLY;COUNT=2", "Every year, 2 times"),
        ("RRULE:FREQ=WEEKLY;INTERVAL=3;COUNT=2", "Every 3 weeks on Tuesday, 2 times"),
        ("FREQ=SECONDLY;COUNT=2", "Repeats: FREQ=SECONDLY;COUNT=2"),
        ("FREQ=WEEKLY;INTERVAL=x;COUNT=2", "Every Tuesday, 2 times"),
    ],
)
def test_it_describes_rules(rule, words):
    assert pr.describe(rule, TUESDAY) == words


@pytest.mark.parametrize(
    "kwargs",
    [
        {"repeat": "none"},
        {"repeat": "weekly", "until": date(2027, 5, 31)},
        {"repeat": "weekly", "weekdays": [1, 3], "count": 10},
        {"repeat": "biweekly", "count": 5},
        {"repeat": "monthly", "count": 6},
        {"repeat": "daily", "until": date(2026, 12, 24)},
    ],
)
def test_build_and_parse_round_trip(kwargs):
    rule = pr.build(start=TUESDAY, **kwargs)
    plain = pr.parse(rule, TUESDAY)
    assert plain is not None
    assert (
        pr.build(
            repeat=plain.repeat, start=TUESDAY, weekdays=plain.weekdays, until=plain.until, count=plain.count
        )
        == rule
    )


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;INTERVAL=3;COUNT=2",
        "FREQ=MONTHLY;BYMONTHDAY=1;COUNT=2",
        "FREQ=WEEKLY",
        "FREQ=MONTHLY;BYDAY=+2TU;COUNT=2",
    ],
)
def test_parse_gives_up_on_what_the_form_cannot_say(rule):
    assert pr.parse(rule, TUESDAY) is None


def test_built_rules_expand_as_promised():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    hel = ZoneInfo("Europe/Helsinki")
    start = datetime(2026, 12, 1, 18, tzinfo=hel)
    rule = pr.build(repeat="monthly", start=start.date(), count=3)
    days = [s.start.astimezone(hel).date() for s in expand(rule, start, start.replace(hour=20), hel)]
    assert days == [date(2026, 12, 1), date(2027, 1, 5), date(2027, 2, 2)]  # first Tuesdays
    rule = pr.build(repeat="weekly", start=start.date(), weekdays=[1, 3], until=date(2026, 12, 10))
    days = [s.start.astimezone(hel).date() for s in expand(rule, start, start.replace(hour=20), hel)]
    assert days == [date(2026, 12, 1), date(2026, 12, 3), date(2026, 12, 8), date(2026, 12, 10)]
