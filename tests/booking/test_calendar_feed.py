"""/calendar.ics: series, cancelled and moved dates, DST, filters, conditional GET, cache."""

from datetime import date, datetime, timedelta

import pytest
import recurring_ical_events
from icalendar import Calendar

from booking.feeds import site_domain
from booking.models import Status

from ..conftest import HEL
from ..factories import BookingFactory, CategoryFactory, CoHostFactory, OccurrenceFactory, RoomFactory
from .calendar_data import cancel, local, make_event, make_series, move

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def _feed(client, query=""):
    response = client.get("/calendar.ics" + query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    for component in cal.walk():
        assert component.errors == [], (component.name, component.errors)
    return cal, response


def _expanded(cal, uid_booking=None):
    events = recurring_ical_events.of(cal).between(date(2026, 1, 1), date(2028, 1, 1))
    if uid_booking is not None:
        events = [e for e in events if str(e["UID"]).startswith(f"booking-{uid_booking.id}@")]
    return sorted(e["DTSTART"].dt for e in events)


def _db_dates(booking):
    return sorted(o.start for o in booking.occurrences.filter(status=Status.CONFIRMED))


def test_it_keeps_a_series_across_the_dst_change(client, room, association):
    # Tuesdays 18:00 from 13 October: 27 October and later are in winter time (UTC+2).
    booking = make_series(room=room, association=association, first=local(2026, 10, 13, 18), count=5)
    cal, _ = _feed(client)
    vevents = cal.walk("VEVENT")
    assert len(vevents) == 1
    assert str(vevents[0]["UID"]) == f"booking-{booking.id}@{site_domain()}"
    assert vevents[0]["RRULE"]["COUNT"] == [5]
    starts = _expanded(cal)
    assert starts == _db_dates(booking)
    assert {s.astimezone(HEL).hour for s in starts} == {18}
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Helsinki"


def test_it_excludes_a_cancelled_date_and_moves_a_moved_one(client, room, association):
    booking = make_series(room=room, association=association, first=local(2026, 10, 6, 18), count=5)
    cancel(booking, local(2026, 10, 13, 18))
    cancel(booking, local(2026, 10, 20, 18), status=Status.DECLINED)
    move(booking, local(2026, 10, 27, 18), local(2026, 10, 28, 17))
    cal, _ = _feed(client)
    assert _expanded(cal) == _db_dates(booking)
    master, override = sorted(cal.walk("VEVENT"), key=lambda e: "RECURRENCE-ID" in e)
    assert len(master["EXDATE"].dts if hasattr(master["EXDATE"], "dts") else master["EXDATE"]) >= 1
    assert override["RECURRENCE-ID"].dt == local(2026, 10, 27, 18)
    assert override["UID"] == master["UID"]


def test_a_count_that_includes_cancelled_dates_stays_consistent(client, room, association):
    booking = make_series(room=room, association=association, first=local(2026, 10, 6, 18), count=3)
    cancel(booking, local(2026, 10, 6, 18))  # the very first date: DTSTART itself is excluded
    cal, _ = _feed(client)
    assert _expanded(cal) == _db_dates(booking)


def test_it_shows_no_private_pending_or_old_events(client, room, association):
    make_event(room=room, association=association, start=local(2026, 10, 5, 10), is_public=False)
    make_event(room=room, association=association, start=local(2026, 10, 5, 12), status=Status.PENDING)
    make_event(room=room, association=association, start=local(2025, 1, 5, 12))  # long before the window
    public = make_event(room=room, association=association, start=local(2026, 10, 5, 14))
    cal, _ = _feed(client)
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [f"booking-{public.id}@{site_domain()}"]


def test_it_describes_a_one_off_event(client, room, association, other_association):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fi"  # the feed's words and category in Finnish
    booking = make_event(
        room=room,
        association=association,
        start=local(2026, 10, 5, 10),
        category=CategoryFactory(),
        description="Tervetuloa!",
        sequence=3,
    )
    CoHostFactory(booking=booking, association=other_association)
    cal, _ = _feed(client)
    (event,) = cal.walk("VEVENT")
    assert "RRULE" not in event
    assert event["SEQUENCE"] == 3
    assert event["STATUS"] == "CONFIRMED"
    assert "Sali" in str(event["LOCATION"])
    assert other_association.name in str(event["DESCRIPTION"])
    assert str(event["URL"]).startswith("http://testserver/events/")
    assert "DTSTAMP" in event
    assert event.categories == ["Liikunta"]  # Finnish by default


def test_filters_select_events_and_name_the_calendar(client, venue, room, association, other_association):
    kitchen = RoomFactory(venue=venue, name="Keittiö")
    in_hall = make_event(room=room, association=association, start=local(2026, 10, 5, 10))
    in_kitchen = make_event(room=kitchen, association=other_association, start=local(2026, 10, 5, 10))
    joint = make_event(room=kitchen, association=association, start=local(2026, 10, 6, 10))
    CoHostFactory(booking=joint, association=other_association)

    cal, _ = _feed(client, f"?room={room.id}")
    assert str(cal["X-WR-CALNAME"]) == "Tupa – Sali"
    assert [str(e["UID"]).split("@")[0] for e in cal.walk("VEVENT")] == [f"booking-{in_hall.id}"]

    cal, _ = _feed(client, f"?association={other_association.id}")
    assert {str(e["UID"]).split("@")[0] for e in cal.walk("VEVENT")} == {
        f"booking-{in_kitchen.id}",
        f"booking-{joint.id}",
    }
    cal, _ = _feed(client, f"?room={room.id}&room={kitchen.id}")
    assert len(cal.walk("VEVENT")) == 3
    cal, _ = _feed(client, f"?venue={venue.id}&audience=seniors")
    assert cal.walk("VEVENT") == []


def test_bad_filters_are_a_400_not_a_500(client, db):
    for query in ("?room=abc", "?venue=1.5", "?room=99999999999999999999999", "?audience=aliens"):
        assert client.get("/calendar.ics" + query).status_code == 400


# The feed's cache and validators follow committed data: these tests commit for real.
@pytest.mark.django_db(transaction=True)
def test_it_answers_a_conditional_get_with_304(client, room, association):
    make_series(room=room, association=association, first=local(2026, 10, 6, 18))
    _, response = _feed(client)
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert client.get("/calendar.ics", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/calendar.ics", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.get("/calendar.ics", HTTP_IF_NONE_MATCH='"other"').status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_cancellation_changes_the_cached_feed(client, room, association):
    booking = make_series(room=room, association=association, first=local(2026, 10, 6, 18))
    cal, first = _feed(client)
    assert len(_expanded(cal)) == 5
    cancel(booking, local(2026, 10, 20, 18))  # no call to any cache: the database logs the write
    cal, second = _feed(client)
    assert len(_expanded(cal)) == 4
    assert second["ETag"] != first["ETag"]
    assert client.get("/calendar.ics", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_cached_feed_costs_one_indexed_query(client, room, association, django_assert_max_num_queries):
    make_series(room=room, association=association, first=local(2026, 10, 6, 18))
    _feed(client)
    with django_assert_max_num_queries(1) as ctx:
        _feed(client)
    assert "booking_calendarchange" in ctx.captured_queries[0]["sql"]


def test_queries_do_not_grow_with_events(client, room, association, django_assert_max_num_queries):
    make_series(room=room, association=association, first=local(2026, 10, 6, 18))
    with django_assert_max_num_queries(6) as first:
        _feed(client, f"?room={room.id}")
    for n in range(50):
        make_series(
            room=room,
            association=association,
            first=local(2026, 10, 7, 8) + timedelta(hours=n % 12, days=n // 12),
            count=3,
            hours=1,
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        cal, _ = _feed(client, f"?room={room.id}")
    assert len(cal.walk("VEVENT")) == 51


def test_one_event_downloads_as_ics(client, room, association):
    booking = make_series(room=room, association=association, first=local(2026, 10, 6, 18))
    occ = booking.occurrences.order_by("start")[1]
    response = client.get(f"/events/{occ.id}.ics")
    assert response.status_code == 200
    cal = Calendar.from_ical(response.content)
    (event,) = cal.walk("VEVENT")
    assert event["DTSTART"].dt == occ.start
    assert "RRULE" not in event


def test_an_off_site_event_appears(client, association):
    booking = BookingFactory(
        room=None,
        location="Kirkonkylän tori",
        association=association,
        start=local(2026, 10, 10, 10),
        end=local(2026, 10, 10, 12),
    )
    OccurrenceFactory(booking=booking)
    cal, _ = _feed(client)
    (event,) = cal.walk("VEVENT")
    assert str(event["LOCATION"]) == "Kirkonkylän tori"
    assert event["DTSTART"].dt == datetime(2026, 10, 10, 10, tzinfo=HEL)
