"""GET /api/v1/stats/usage against figures computed by hand (venue open 08-22 every day)."""

from datetime import time

import pytest

from booking.models import CoHost, Status
from stats.rollup import catch_up
from tests.factories import AssociationFactory, ClosureFactory, RoomFactory, VenueFactory, open_every_day

from .conftest import at, book

pytestmark = pytest.mark.django_db


def test_it_counts_confirmed_occurrences_only(usage_of, venue, room, association):
    book(association, room, "2026-01-06 10:00", "2026-01-06 12:00")
    book(association, room, "2026-01-07 10:00", "2026-01-07 13:00", status=Status.PENDING)
    book(association, room, "2026-01-08 10:00", "2026-01-08 13:00", status=Status.CANCELLED)
    book(association, room, "2026-01-09 10:00", "2026-01-09 13:00", status=Status.DECLINED)

    data = usage_of("2026-01-05", "2026-01-11", venue=venue.id)

    assert data["start"] == "2026-01-05" and data["end"] == "2026-01-11"
    assert data["rooms"] == [
        {"id": room.id, "name": "Sali", "open_hours": 98.0, "booked_hours": 2.0, "utilization": 0.0204}
    ]
    assert data["associations"] == [
        {
            "id": association.id,
            "name": association.name,
            "booked_hours": 2.0,
            "events": 1,
            "participants": 0,
            "recorded_events": 0,
        }
    ]
    assert data["by_month"] == [
        {
            "month": "2026-01",
            "open_hours": 98.0,
            "booked_hours": 2.0,
            "utilization": 0.0204,
            "participants": 0,
            "recorded_events": 0,
        }
    ]


def test_it_subtracts_the_union_of_closures(usage_of, venue, room):
    small = RoomFactory(venue=venue, name="Pieni")
    elsewhere = VenueFactory()
    # Venue-wide, a whole day: -14 h for both rooms.
    ClosureFactory(venue=venue, start=at("2026-02-03 00:00"), end=at("2026-02-04 00:00"))
    # Room 10-14 and venue 12-16 overlap: Sali loses 10-16 (6 h) once, Pieni 12-16 (4 h).
    ClosureFactory(venue=venue, room=room, start=at("2026-02-05 10:00"), end=at("2026-02-05 14:00"))
    ClosureFactory(venue=venue, start=at("2026-02-05 12:00"), end=at("2026-02-05 16:00"))
    # Partly before opening: Sali loses 08-09.
    ClosureFactory(venue=venue, room=room, start=at("2026-02-06 06:00"), end=at("2026-02-06 09:00"))
    # Pieni alone is shut on Saturday, and more than the whole opening day.
    ClosureFactory(venue=venue, room=small, start=at("2026-02-07 07:00"), end=at("2026-02-07 23:00"))
    # Another venue's closure and closures outside the period change nothing.
    ClosureFactory(venue=elsewhere, start=at("2026-02-02 00:00"), end=at("2026-02-09 00:00"))
    ClosureFactory(venue=venue, start=at("2026-01-01 00:00"), end=at("2026-02-02 08:30"))

    data = usage_of("2026-02-02", "2026-02-08", venue=venue.id)

    # Sali: 98 - 0.5 (closure into Monday) - 14 - 6 - 1 = 76.5; Pieni: 98 - 0.5 - 14 - 4 - 14 = 65.5
    rooms = {r["id"]: r["open_hours"] for r in data["rooms"]}
    assert rooms == {room.id: 76.5, small.id: 65.5}
    assert data["by_month"][0]["open_hours"] == 142.0


def test_room_hours_replace_the_venue_hours(usage_of, venue, room):
    evening = RoomFactory(venue=venue, name="Iltahuone")
    open_every_day(venue, opens=time(17), closes=time(20), room=evening)

    data = usage_of("2026-01-05", "2026-01-05", venue=venue.id)

    assert [r["open_hours"] for r in data["rooms"]] == [14.0, 3.0]


@pytest.mark.parametrize(
    ("day", "whole_day", "night_hours"),
    [("2026-03-29", 23.0, 2.0), ("2026-10-25", 25.0, 4.0), ("2026-03-28", 24.0, 3.0)],
)
def test_it_counts_real_elapsed_time_on_dst_days(
    usage_of, venue, room, association, day, whole_day, night_hours
):
    night = RoomFactory(venue=venue, name="Yö")
    open_every_day(venue, opens=time(2), closes=time(5), room=night)
    bare = VenueFactory(name="Ei aukioloa")  # no opening hours at all: open around the clock
    always = RoomFactory(venue=bare, name="Aina auki")
    next_day = {"2026-03-29": "2026-03-30", "2026-10-25": "2026-10-26", "2026-03-28": "2026-03-29"}[day]
    book(association, always, f"{day} 00:00", f"{next_day} 00:00")
    book(association, room, f"{day} 08:00", f"{day} 22:00")

    data = usage_of(day, day)

    figures = {r["id"]: (r["open_hours"], r["booked_hours"]) for r in data["rooms"]}
    assert figures[room.id] == (14.0, 14.0)
    assert figures[night.id] == (night_hours, 0.0)
    assert figures[always.id] == (whole_day, whole_day)
    assert data["by_month"][0]["open_hours"] == 14.0 + night_hours + whole_day
    assert data["associations"][0]["booked_hours"] == 14.0 + whole_day


def test_a_joint_event_counts_for_every_accepted_host(usage_of, venue, room, association, other_association):
    invited, declined, busy = AssociationFactory(), AssociationFactory(), AssociationFactory()
    book(
        association,
        room,
        "2026-01-06 10:00",
        "2026-01-06 12:00",
        cohosts=[
            (other_association, CoHost.Status.ACCEPTED),
            (invited, CoHost.Status.INVITED),
            (declined, CoHost.Status.DECLINED),
        ],
    )
    book(busy, room, "2026-01-07 10:00", "2026-01-07 13:00")
    # A cancelled joint event counts for nobody.
    book(
        association,
        room,
        "2026-01-08 10:00",
        "2026-01-08 13:00",
        status=Status.CANCELLED,
        cohosts=[(other_association, CoHost.Status.ACCEPTED)],
    )

    data = usage_of("2026-01-05", "2026-01-11")

    assert [(a["id"], a["booked_hours"], a["events"]) for a in data["associations"]] == [
        (busy.id, 3.0, 1),
        *sorted([(association.id, 2.0, 1), (other_association.id, 2.0, 1)]),
    ]
    # The room counts the event once.
    assert data["rooms"][0]["booked_hours"] == 5.0


def test_it_clips_occurrences_to_the_period_and_includes_the_end_date(usage_of, venue, room, association):
    second = RoomFactory(venue=venue, name="Toinen")
    open_every_day(venue, opens=time(0), closes=time(23, 59))  # extra rows do not double-count
    book(association, room, "2026-01-31 23:00", "2026-02-01 01:00")  # 1 h inside
    book(association, room, "2026-02-28 21:00", "2026-02-28 23:00")  # last day, 2 h
    book(association, room, "2026-02-28 23:00", "2026-03-01 01:00")  # 1 h inside
    book(association, room, "2026-03-01 01:00", "2026-03-01 03:00")  # outside
    book(association, second, "2026-01-31 20:00", "2026-02-01 00:00")  # ends at the start: outside

    data = usage_of("2026-02-01", "2026-02-28", venue=venue.id)

    assert [r["booked_hours"] for r in data["rooms"]] == [4.0, 0.0]
    assert data["associations"] == [
        {
            "id": association.id,
            "name": association.name,
            "booked_hours": 4.0,
            "events": 3,
            "participants": 0,
            "recorded_events": 0,
        }
    ]


def test_by_month_splits_local_months_and_sums_the_rooms(usage_of, venue, room, association):
    second = RoomFactory(venue=venue, name="Toinen")
    book(association, room, "2026-01-31 23:00", "2026-02-01 01:00")  # 1 h in January, 1 h in February
    book(association, second, "2026-03-10 20:00", "2026-03-10 22:00")  # last day of the period
    book(association, second, "2026-03-11 10:00", "2026-03-11 12:00")  # after it

    data = usage_of("2026-01-15", "2026-03-10", venue=venue.id)

    assert data["by_month"] == [
        {
            "month": "2026-01",
            "open_hours": 476.0,
            "booked_hours": 1.0,
            "utilization": 0.0021,
            "participants": 0,
            "recorded_events": 0,
        },
        {
            "month": "2026-02",
            "open_hours": 784.0,
            "booked_hours": 1.0,
            "utilization": 0.0013,
            "participants": 0,
            "recorded_events": 0,
        },
        {
            "month": "2026-03",
            "open_hours": 280.0,
            "booked_hours": 2.0,
            "utilization": 0.0071,
            "participants": 0,
            "recorded_events": 0,
        },
    ]
    assert [r["booked_hours"] for r in data["rooms"]] == [2.0, 2.0]
    assert [r["open_hours"] for r in data["rooms"]] == [770.0, 770.0]


def test_offsite_events_count_for_associations_but_not_rooms(usage_of, venue, room, association):
    book(association, None, "2026-01-06 10:00", "2026-01-06 13:00", location="Kirjasto")
    book(association, room, "2026-01-07 10:00", "2026-01-07 11:00")

    everywhere = usage_of("2026-01-05", "2026-01-11")
    here = usage_of("2026-01-05", "2026-01-11", venue=venue.id)

    assert everywhere["associations"][0]["booked_hours"] == 4.0
    assert everywhere["associations"][0]["events"] == 2
    assert here["associations"][0]["booked_hours"] == 1.0
    assert everywhere["rooms"][0]["booked_hours"] == 1.0


def test_a_venue_filter_lists_only_its_rooms(usage_of, venue, room, association):
    other = RoomFactory()
    book(association, other, "2026-01-06 10:00", "2026-01-06 12:00")

    here = usage_of("2026-01-05", "2026-01-11", venue=venue.id)
    everywhere = usage_of("2026-01-05", "2026-01-11")

    assert [r["id"] for r in here["rooms"]] == [room.id]
    assert here["associations"] == []
    assert [r["id"] for r in everywhere["rooms"]] == sorted([room.id, other.id])


def test_a_room_never_open_has_zero_utilization(usage_of, venue, room, association):
    ClosureFactory(venue=venue, start=at("2026-01-01 00:00"), end=at("2026-02-01 00:00"))
    data = usage_of("2026-01-05", "2026-01-11", venue=venue.id)
    assert data["rooms"][0]["open_hours"] == 0.0
    assert data["rooms"][0]["utilization"] == 0.0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "start"),
        ({"start": "2026-01-01"}, "end"),
        ({"start": "yesterday", "end": "2026-01-01"}, "start"),
        ({"start": "2026-02-30", "end": "2026-03-01"}, "start"),
        ({"start": "2026-03-01", "end": "2026-02-01"}, "end"),
        ({"start": "2000-01-01", "end": "2026-01-01"}, "end"),
        ({"start": "0001-01-01", "end": "0001-01-02"}, "start"),
        ({"start": "9999-12-30", "end": "9999-12-31"}, "start"),
        ({"start": "2026-01-01", "end": "2026-01-31", "venue": "abc"}, "venue"),
        ({"start": "2026-01-01", "end": "2026-01-31", "venue": "999999"}, "venue"),
        ({"start": "2026-01-01", "end": "2026-01-31", "venue": "99999999999999999999999"}, "venue"),
        ({"start": "2026-01-01\x00", "end": "2026-01-31"}, "start"),
    ],
)
def test_it_rejects_bad_periods(api, venue, params, field):
    response = api().get("/api/v1/stats/usage", params)
    assert response.status_code == 400
    assert field in response.json()
    assert isinstance(response.json()[field], list)


def test_a_ten_year_period_is_allowed(usage_of, venue, room):
    data = usage_of("2020-01-01", "2029-12-31")
    assert len(data["by_month"]) == 120


def test_queries_do_not_grow_with_the_data(
    api, venue, room, association, other_association, django_assert_max_num_queries
):
    def run() -> None:
        response = api().get("/api/v1/stats/usage", {"start": "2025-01-01", "end": "2026-12-31"})
        assert response.status_code == 200

    book(association, room, "2026-01-06 10:00", "2026-01-06 12:00")
    catch_up()  # the figures' own queries; the catch-up's are bounded in test_rollup.py
    with django_assert_max_num_queries(8):
        run()
    second = RoomFactory(venue=venue)
    for day in range(1, 28):
        book(association, room, f"2026-02-{day:02d} 10:00", f"2026-02-{day:02d} 12:00")
        book(
            other_association,
            second,
            f"2026-03-{day:02d} 10:00",
            f"2026-03-{day:02d} 12:00",
            cohosts=[(association, CoHost.Status.ACCEPTED)],
        )
        ClosureFactory(venue=venue, start=at(f"2026-04-{day:02d} 10:00"), end=at(f"2026-04-{day:02d} 12:00"))
    catch_up()  # the figures' own queries; the catch-up's are bounded in test_rollup.py
    with django_assert_max_num_queries(8):
        run()


def test_a_venue_without_rooms_has_empty_figures(usage_of, venue):
    data = usage_of("2026-01-30", "2026-02-02", venue=venue.id)
    assert data["rooms"] == [] and data["associations"] == []
    assert data["by_month"] == [
        {
            "month": m,
            "open_hours": 0.0,
            "booked_hours": 0.0,
            "utilization": 0.0,
            "participants": 0,
            "recorded_events": 0,
        }
        for m in ("2026-01", "2026-02")
    ]


def test_a_host_listed_as_its_own_cohost_counts_once(usage_of, venue, room, association):
    book(
        association,
        room,
        "2026-01-06 10:00",
        "2026-01-06 12:00",
        cohosts=[(association, CoHost.Status.ACCEPTED)],
    )
    data = usage_of("2026-01-05", "2026-01-11")
    assert [(a["booked_hours"], a["events"]) for a in data["associations"]] == [(2.0, 1)]


def test_an_invalid_token_does_not_matter(client, venue):
    response = client.get(
        "/api/v1/stats/usage", {"start": "2026-01-01", "end": "2026-01-02"}, HTTP_AUTHORIZATION="Token nope"
    )
    assert response.status_code == 200
