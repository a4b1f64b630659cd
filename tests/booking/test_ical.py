"""booking.ical on its own: no database."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar

from booking.ical import FeedDate, FeedEvent, render_calendar
from booking.recurrence import localize
from booking.recurrence import until_instant as until_utc

TZ = ZoneInfo("Europe/Helsinki")


def _weekly(first_naive: datetime, n: int, confirmed=lambda i: True, shift=lambda i: timedelta(0)):
    dates = []
    for i in range(n):
        rid = localize(first_naive + timedelta(weeks=i), TZ)
        start = rid + shift(i)
        dates.append(FeedDate(rid, start, start + timedelta(hours=2), confirmed(i), f"https://x/e/{i}"))
    return dates


def _parse(body: bytes) -> Calendar:
    cal = Calendar.from_ical(body)
    for component in cal.walk():
        assert component.errors == [], (component.name, component.errors)
    return cal


def _starts(cal, a=date(2026, 1, 1), b=date(2028, 1, 1)):
    return sorted(e["DTSTART"].dt for e in recurring_ical_events.of(cal).between(a, b))


def test_it_keeps_a_series_as_one_rrule():
    ev = FeedEvent(
        uid="booking-1@x",
        summary="Jumppa",
        tz=TZ,
        dates=_weekly(datetime(2026, 10, 6, 18), 5),
        rrule="FREQ=WEEKLY;COUNT=5",
    )
    cal = _parse(render_calendar([ev], name="Tupa", default_tz=TZ))
    assert len(cal.walk("VEVENT")) == 1
    assert [s.hour for s in _starts(cal)] == [18] * 5  # 18:00 local across the DST change of 25 October
    assert [s.utcoffset() for s in _starts(cal)][-1] == timedelta(hours=2)


def test_it_writes_until_in_utc_when_dtstart_has_a_tzid():
    assert until_utc("20261110", TZ) == datetime(2026, 11, 10, 21, 59, 59, tzinfo=UTC)
    assert until_utc("20261110T180000", TZ) == datetime(2026, 11, 10, 16, 0, tzinfo=UTC)
    assert until_utc("20261110T180000Z", TZ) == datetime(2026, 11, 10, 18, 0, tzinfo=UTC)
    ev = FeedEvent(
        uid="booking-1@x",
        summary="J",
        tz=TZ,
        dates=_weekly(datetime(2026, 10, 6, 18), 6),
        rrule="FREQ=WEEKLY;UNTIL=20261110",
    )
    body = render_calendar([ev], name="Tupa", default_tz=TZ)
    assert b"UNTIL=20261110T215959Z" in body
    assert len(_starts(_parse(body))) == 6


def test_it_excludes_cancelled_dates_and_overrides_moved_ones():
    dates = _weekly(
        datetime(2026, 10, 6, 18),
        5,
        confirmed=lambda i: i != 1,
        shift=lambda i: timedelta(hours=1) * (i == 3),
    )
    ev = FeedEvent(uid="booking-1@x", summary="J", tz=TZ, dates=dates, rrule="FREQ=WEEKLY;COUNT=5")
    cal = _parse(render_calendar([ev], name="Tupa", default_tz=TZ))
    starts = _starts(cal)
    assert starts == [d.start for d in dates if d.confirmed]
    assert len(cal.walk("VEVENT")) == 2
    assert {str(e["UID"]) for e in cal.walk("VEVENT")} == {"booking-1@x"}


def test_it_writes_a_one_off_event_without_rrule_and_a_narrow_vtimezone():
    start = localize(datetime(2026, 12, 1, 10), TZ)
    ev = FeedEvent(
        uid="booking-2@x",
        summary="Joulumyyjäiset",
        tz=TZ,
        dates=[FeedDate(start, start, start + timedelta(hours=3), True)],
    )
    body = render_calendar([ev], name="Tupa – Sali", default_tz=TZ)
    cal = _parse(body)
    assert "RRULE" not in cal.walk("VEVENT")[0]
    assert str(cal["X-WR-CALNAME"]) == "Tupa – Sali"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body
    assert body.count(b"BEGIN:STANDARD") + body.count(b"BEGIN:DAYLIGHT") <= 3


def test_the_same_input_renders_the_same_bytes():
    stamp = datetime(2026, 9, 1, tzinfo=UTC)
    ev = FeedEvent(
        uid="b@x",
        summary="J",
        tz=TZ,
        dates=_weekly(datetime(2026, 10, 6, 18), 2),
        rrule="FREQ=WEEKLY;COUNT=2",
        stamp=stamp,
    )
    assert render_calendar([ev], name="T", default_tz=TZ) == render_calendar([ev], name="T", default_tz=TZ)


def test_an_empty_feed_is_still_valid():
    cal = _parse(render_calendar([], name="Tupa", default_tz=TZ))
    assert cal.walk("VEVENT") == []
