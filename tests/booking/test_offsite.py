"""An event held elsewhere: no room, a place in words, and still on every calendar."""

from __future__ import annotations

from datetime import date

import pytest
import recurring_ical_events
from django.core.exceptions import PermissionDenied, ValidationError
from icalendar import Calendar

from booking import services
from booking.feeds import site_domain
from booking.models import Booking, Occurrence, Status

from ..conftest import HEL
from ..factories import BookingFactory, OccurrenceFactory, RoomFactory
from .calendar_data import local

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

EVENTS_RANGE = "start=2026-10-01T00:00:00%2B03:00&end=2026-12-01T00:00:00%2B02:00"
PLACE = "Kirkonkylän tori"


def walk(users, association, *, count: int = 3, **kwargs) -> Booking:
    """Sunday walks from the market square, across the DST change of 25 October."""
    return services.booking_create(
        actor=users.admin,
        association=association,
        room=None,
        location=PLACE,
        title="Sauvakävely",
        start=local(2026, 10, 18, 18),
        end=local(2026, 10, 18, 19),
        rrule=f"FREQ=WEEKLY;COUNT={count}" if count > 1 else "",
        **kwargs,
    ).booking


def test_it_books_an_off_site_series_confirmed_at_once(users, association):
    booking = walk(users, association)
    assert booking.room is None
    assert booking.location == PLACE
    assert booking.status == Status.CONFIRMED
    rows = list(booking.occurrences.order_by("start"))
    assert [o.room_id for o in rows] == [None, None, None]
    # Expanded on Helsinki wall-clock time: 18:00 before and after the clocks turn back.
    assert {o.start.astimezone(HEL).hour for o in rows} == {18}
    assert all(o.block_end == o.end for o in rows)


def test_it_needs_a_place(users, association):
    with pytest.raises(ValidationError) as caught:
        services.booking_create(
            actor=users.admin,
            association=association,
            room=None,
            location="  ",
            title="Jossain",
            start=local(2026, 10, 18, 18),
            end=local(2026, 10, 18, 19),
        )
    assert "location" in caught.value.message_dict
    assert not Booking.objects.exists()


def test_it_books_no_extra_rooms(users, association, room):
    with pytest.raises(ValidationError) as caught:
        walk(users, association, extra_rooms=[room])
    assert "extra_rooms" in caught.value.message_dict


def test_off_site_events_do_not_conflict(users, association, other_association, room):
    walk(users, association, count=1)
    # Nor with a room booked at the same time.
    OccurrenceFactory(
        booking=BookingFactory(room=room, start=local(2026, 10, 18, 18), end=local(2026, 10, 18, 19))
    )
    other = services.booking_create(
        actor=users.outsider,
        association=other_association,
        room=None,
        location=PLACE,
        title="Toinen kävely",
        start=local(2026, 10, 18, 18),
        end=local(2026, 10, 18, 19),
    ).booking
    assert other.status == Status.CONFIRMED


def test_it_still_needs_the_right_to_book(users, association):
    with pytest.raises(PermissionDenied):
        services.booking_create(
            actor=users.outsider,
            association=association,
            room=None,
            location=PLACE,
            title="Vieras",
            start=local(2026, 10, 18, 18),
            end=local(2026, 10, 18, 19),
        )


def test_it_appears_in_the_events_api(api, users, association, room):
    booking = walk(users, association)
    body = api().get("/api/v1/events?" + EVENTS_RANGE).json()
    assert body["count"] == 3
    item = body["results"][0]
    assert item["rooms"] == []
    assert item["venue"] is None
    assert item["start"] == "2026-10-18T18:00:00+03:00"
    assert body["results"][1]["start"] == "2026-10-25T18:00:00+02:00"
    assert item["id"] == booking.occurrences.order_by("start").first().id
    # Filters by place leave it out; the others still find it.
    assert api().get(f"/api/v1/events?{EVENTS_RANGE}&venue={room.venue_id}").json()["count"] == 0
    assert api().get(f"/api/v1/events?{EVENTS_RANGE}&room={room.id}").json()["count"] == 0
    assert api().get(f"/api/v1/events?{EVENTS_RANGE}&association={association.id}").json()["count"] == 3


def test_it_appears_in_the_feed(client, users, association):
    booking = walk(users, association, count=4)
    services.booking_cancel(actor=users.admin, booking=booking, occurrence=local(2026, 10, 25, 18))
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    cal = Calendar.from_ical(response.content)
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["LOCATION"]) == PLACE
    assert str(vevent["UID"]) == f"booking-{booking.id}@{site_domain()}"
    starts = sorted(
        e["DTSTART"].dt for e in recurring_ical_events.of(cal).between(date(2026, 1, 1), date(2028, 1, 1))
    )
    assert starts == [local(2026, 10, 18, 18), local(2026, 11, 1, 18), local(2026, 11, 8, 18)]


def test_a_venue_filtered_feed_leaves_it_out(client, users, association, room):
    walk(users, association, count=1)
    cal = Calendar.from_ical(client.get(f"/calendar.ics?venue={room.venue_id}").content)
    assert cal.walk("VEVENT") == []


def test_it_appears_on_the_calendar_page_and_its_own_page(client, users, association, room):
    booking = walk(users, association, count=1)
    for view in ("list", "week", "month"):
        response = client.get(f"/calendar/?view={view}&date=2026-10-18")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Sauvakävely" in html, view
    assert PLACE in client.get("/calendar/?view=list&date=2026-10-18").content.decode()
    assert client.get(f"/calendar/?view=list&date=2026-10-18&venue={room.venue_id}").status_code == 200
    occ = booking.occurrences.get()
    response = client.get(f"/events/{occ.id}/")
    assert response.status_code == 200
    assert PLACE in response.content.decode()
    ics = Calendar.from_ical(client.get(f"/events/{occ.id}.ics").content)
    assert str(ics.walk("VEVENT")[0]["LOCATION"]) == PLACE


def test_the_booking_api_shows_no_room(api, users, association):
    booking = walk(users, association, count=2)
    data = api(users.member).get(f"/api/v1/bookings/{booking.pk}").json()
    assert data["room"] is None
    assert data["occurrences"] == [
        {"start": "2026-10-18T18:00:00+03:00", "end": "2026-10-18T19:00:00+03:00", "status": "confirmed"},
        {"start": "2026-10-25T18:00:00+02:00", "end": "2026-10-25T19:00:00+02:00", "status": "confirmed"},
    ]


def test_one_date_moves_and_cancels(api, users, association):
    booking = walk(users, association, count=2)
    occ = booking.occurrences.order_by("start").first()
    services.occurrence_move(
        actor=users.admin, occurrence=occ, start=local(2026, 10, 19, 17), end=local(2026, 10, 19, 18, 30)
    )
    occ = Occurrence.objects.get(pk=occ.pk)
    assert (occ.start, occ.end, occ.block_end) == (
        local(2026, 10, 19, 17),
        local(2026, 10, 19, 18, 30),
        local(2026, 10, 19, 18, 30),
    )
    response = api(users.member).post(
        f"/api/v1/bookings/{booking.pk}/cancel", {"occurrence": "2026-10-19T14:00:00Z"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert [o["status"] for o in response.json()["occurrences"]] == ["cancelled", "confirmed"]


def test_usage_counts_it_for_the_association_but_no_room(api, users, association, room):
    walk(users, association, count=2)
    RoomFactory(venue=room.venue)
    data = api().get("/api/v1/stats/usage", {"start": "2026-10-01", "end": "2026-10-31"}).json()
    assert all(r["booked_hours"] == 0 for r in data["rooms"])
    (entry,) = data["associations"]
    assert entry["events"] == 2
    assert entry["booked_hours"] == 2.0
