"""/stats/: the HTML page, its CSV downloads and its extra figures."""

import csv
import io
import re

import pytest
from django.test import Client

from booking.models import CoHost, Status
from stats.rollup import catch_up
from tests.factories import AssociationFactory, CategoryFactory, RoomFactory

from .conftest import at, book

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-01-05", "end": "2026-01-11"}


@pytest.fixture
def data(venue, room, association, other_association):
    third = AssociationFactory(name="Kyläyhdistys")
    category = CategoryFactory()
    joint = book(
        association,
        room,
        "2026-01-06 18:00",
        "2026-01-06 20:00",
        cohosts=[(other_association, CoHost.Status.ACCEPTED), (third, CoHost.Status.ACCEPTED)],
        category=category,
        audience="seniors",
    )
    joint.attendance = 30
    joint.save()
    book(other_association, room, "2026-01-07 10:00", "2026-01-07 11:00", audience="children")
    cancelled = book(association, room, "2026-01-08 10:00", "2026-01-08 11:00", status=Status.CANCELLED)
    # Cancelled well ahead: not late.
    type(cancelled).objects.filter(pk=cancelled.pk).update(updated_at=at("2026-01-01 12:00"))
    late = book(association, room, "2026-01-09 10:00", "2026-01-09 11:00", status=Status.CANCELLED)
    type(late).objects.filter(pk=late.pk).update(updated_at=at("2026-01-08 12:00"))
    return {"third": third}


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_it_renders_for_anyone(data, room):
    response = Client().get("/stats/", {**PERIOD, "venue": room.venue_id}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "What these figures mean" in html
    assert 'role="img"' in html and "<title" in html and "<desc" in html
    assert "style=" not in html and "<script" not in html
    assert "Kyläyhdistys" in html


def test_it_defaults_to_this_year(venue, room):
    response = Client().get("/stats/")
    assert response.status_code == 200
    assert re.search(r'name="start"[^>]*value="\d{4}-01-01"', response.content.decode())


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-13-01", "end": "2026-12-31"},
        {"start": "2026-03-01", "end": "2026-01-01"},
        {"start": "2026-01-01", "end": "2026-01-31", "venue": "x"},
        {"start": "2026-01-01", "end": "2026-01-31", "room": "999999"},
        {"start": "1000-01-01", "end": "1000-01-02"},
    ],
)
def test_bad_periods_show_form_errors(venue, params):
    response = Client().get("/stats/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()


def test_csv_of_the_rooms(data, room):
    response = Client().get("/stats/rooms.csv", PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert rows[1][0] == "Sali" and rows[1][2:] == ["98.0", "3.0", "3.1"]


def test_joint_events_and_pairs(data, association, other_association):
    associations = csv_rows(Client().get("/stats/associations.csv", PERIOD))[1:]
    by_name = {row[0]: row for row in associations}
    # name, hours, events, joint events, partners
    assert by_name[association.name][1:4] == ["2.0", "1", "1"]
    assert by_name[other_association.name][1:4] == ["3.0", "2", "1"]
    assert by_name["Kyläyhdistys"][1:4] == ["2.0", "1", "1"]
    pairs = csv_rows(Client().get("/stats/pairs.csv", PERIOD))[1:]
    assert sorted(tuple(sorted(p[:2])) + (p[2],) for p in pairs) == sorted(
        [
            (*sorted([association.name, other_association.name]), "1"),
            (*sorted([association.name, "Kyläyhdistys"]), "1"),
            (*sorted([other_association.name, "Kyläyhdistys"]), "1"),
        ]
    )


def test_categories_audiences_and_participation(data):
    audiences = {
        row[0]: row
        for row in csv_rows(Client().get("/stats/audiences.csv", PERIOD, HTTP_ACCEPT_LANGUAGE="en"))[1:]
    }
    # booked hours, events, participants, events with participants, average, % of capacity (40)
    assert audiences["seniors"][1:] == ["2.0", "1", "30", "1", "30.0", "75.0"]
    assert audiences["children"][1:4] == ["1.0", "1", "0"]


def test_cancellations(data):
    rows = csv_rows(Client().get("/stats/cancellations.csv", PERIOD))[1:]
    assert [row[1] for row in rows] == ["2", "1", "0"]


def test_heat_map(data):
    rows = csv_rows(Client().get("/stats/heat_map.csv", PERIOD))[1:]
    tuesday_18 = rows[1 * 24 + 18]
    # One Tuesday in the period, open 18-19, booked 18-19.
    assert tuesday_18[1:] == ["18", "1.0", "1.0", "100.0"]
    assert rows[0 * 24 + 3][2:] == ["0.0", "0.0", ""]


def test_unknown_csv_is_404(venue):
    assert Client().get("/stats/nothing.csv", PERIOD).status_code == 404


def test_the_page_queries_do_not_grow(data, venue, room, association, django_assert_max_num_queries):
    second = RoomFactory(venue=venue)
    for day in range(12, 31):
        book(association, second, f"2026-01-{day:02d} 10:00", f"2026-01-{day:02d} 12:00")
    catch_up()  # the figures' own queries; the catch-up's are bounded in test_rollup.py
    with django_assert_max_num_queries(20):
        assert Client().get("/stats/", {"start": "2026-01-01", "end": "2026-01-31"}).status_code == 200


def test_it_renders_without_any_rooms(db):
    assert Client().get("/stats/", PERIOD).status_code == 200
    assert Client().get("/stats/rooms.csv", PERIOD).status_code == 200


def test_heat_map_uses_local_time_across_dst(venue, room, association):
    book(association, room, "2026-03-28 10:00", "2026-03-28 11:30")  # Saturday, UTC+2
    book(association, room, "2026-03-29 10:00", "2026-03-29 11:00")  # Sunday, UTC+3
    book(association, room, "2026-10-25 21:00", "2026-10-25 22:00")  # Sunday, UTC+2 again
    rows = csv_rows(
        Client().get(
            "/stats/heat_map.csv", {"start": "2026-03-23", "end": "2026-10-31"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    )[1:]
    booked = {(row[0], row[1]): row[3] for row in rows if row[3] != "0.0"}
    assert booked == {
        ("Saturday", "10"): "1.0",
        ("Saturday", "11"): "0.5",
        ("Sunday", "10"): "1.0",
        ("Sunday", "21"): "1.0",
    }


def test_the_page_shows_participation_and_the_dates_without_a_count(data):
    html = Client().get("/stats/", PERIOD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Visits recorded: 30 at 1 of 2 dates." in html
    assert "1 date has no count." in html
    assert "/stats/report/?" in html
    rows = csv_rows(Client().get("/stats/activities.csv", PERIOD, HTTP_ACCEPT_LANGUAGE="en"))
    by_title = {row[0]: row for row in rows[1:]}
    joint = next(row for row in by_title.values() if row[5] == "30")
    # dates, with a count, without, visits, average, % of capacity (40)
    assert joint[2:] == ["1", "1", "0", "30", "30.0", "75.0"]


def test_an_activity_has_its_trend_through_the_season(venue, room, association):
    from datetime import timedelta

    from tests.factories import OccurrenceFactory

    first = book(association, room, "2026-01-06 10:00", "2026-01-06 11:00")
    first.attendance = 10
    first.save()
    for week, n in ((1, 14), (2, 18)):
        start = first.start + timedelta(weeks=week)
        OccurrenceFactory(booking=first.booking, start=start, end=start + timedelta(hours=1), attendance=n)
    html = Client().get("/stats/", {"start": "2026-01-01", "end": "2026-01-31"}).content.decode()
    assert "<polyline" in html and "10 → 18" in html


def test_the_funders_report_is_one_page_of_figures(data, association):
    response = Client().get("/stats/report/", PERIOD, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv">' in html and "<nav" not in html
    assert association.name in html and "Kyläyhdistys" in html
    assert html.count("<svg") == 2


def test_the_funders_report_needs_a_period(db):
    assert Client().get("/stats/report/", {"start": "x"}).status_code == 400


def test_the_funders_report_answers_in_bounded_queries(data, django_assert_max_num_queries):
    catch_up()  # the figures' own queries; the catch-up's are bounded in test_rollup.py
    with django_assert_max_num_queries(20):
        Client().get("/stats/report/", {"start": "2024-01-01", "end": "2026-12-31"})


def test_with_a_house_chosen_the_room_list_is_its_rooms(venue, room):
    elsewhere = RoomFactory()
    page = Client().get("/stats/", {**PERIOD, "venue": venue.pk})
    assert page.status_code == 200
    assert [r.pk for r in page.context["form"].fields["room"].queryset] == [room.pk]
    # A room of another house still gets its own message, not "unknown room".
    page = Client().get(
        "/stats/", {**PERIOD, "venue": venue.pk, "room": elsewhere.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "This room is not in the chosen venue." in page.content.decode()
