"""What counts as one event (stats/query.py): a date of a booking, however many rooms it
holds at once. The contract's `events` and every count on the /stats/ page agree on it;
booked hours stay room-hours."""

import csv
import io
from datetime import datetime

import pytest
import time_machine
from django.test import Client

from booking import services
from booking.models import CoHost
from tests.factories import RoomFactory

from .conftest import HEL, at

pytestmark = pytest.mark.django_db
PERIOD = {"start": "2026-01-05", "end": "2026-01-11"}


def csv_rows(path: str) -> dict[str, list[str]]:
    rows = list(
        csv.reader(io.StringIO(Client().get(path, PERIOD, HTTP_ACCEPT_LANGUAGE="en").content.decode()))
    )
    return {row[0]: row for row in rows[1:]}


@pytest.fixture
def two_room_dates(users, venue, room, association, other_association):
    kitchen = RoomFactory(venue=venue, name="Keittiö", slug="keittio")
    with time_machine.travel(datetime(2026, 1, 1, 9, tzinfo=HEL), tick=False):
        joint = services.booking_create(
            actor=users.admin,
            association=association,
            room=room,
            extra_rooms=[kitchen],
            title="Joulujuhla",
            start=at("2026-01-06 18:00"),
            end=at("2026-01-06 20:00"),
            cohosts=[other_association],
            audience="seniors",
        ).booking
        CoHost.objects.filter(booking=joint).update(status=CoHost.Status.ACCEPTED)
        cancelled = services.booking_create(
            actor=users.admin,
            association=association,
            room=room,
            extra_rooms=[kitchen],
            title="Peruttu",
            start=at("2026-01-08 10:00"),
            end=at("2026-01-08 11:00"),
        ).booking
        services.booking_cancel(actor=users.admin, booking=cancelled)
    return joint


def test_a_date_in_two_rooms_is_one_event_with_room_hours(
    usage_of, two_room_dates, association, other_association
):
    figures = {a["id"]: a for a in usage_of(**PERIOD)["associations"]}
    assert figures[association.pk]["events"] == 1
    assert figures[other_association.pk]["events"] == 1
    assert figures[association.pk]["booked_hours"] == 4.0  # two rooms × two hours


def test_the_page_counts_the_same_events(two_room_dates, association, other_association):
    assert csv_rows("/stats/audiences.csv")["seniors"][1:3] == ["4.0", "1"]
    assert csv_rows("/stats/associations.csv")[association.name][2:4] == ["1", "1"]
    pairs = list(csv_rows("/stats/pairs.csv").values())
    assert [p[2] for p in pairs] == ["1"]
    assert [row[1] for row in csv_rows("/stats/cancellations.csv").values()][0] == "1"
