"""Hostile input has limits: rules that never match, formula cells, write floods, UNTIL."""

import csv
import importlib
import io
import time

import pytest
import time_machine
from django.apps import apps
from django.core.cache import caches

from booking.models import Booking
from booking.recurrence import canonical_rule
from tupa import csvsafe

from ..conftest import HEL, NOW

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def ticking():
    # Ticking, unlike the shared `frozen`: the rate limits count real seconds.
    with time_machine.travel(NOW, tick=True):
        yield


def payload(association, room, **kw):
    body = {
        "association": association.pk,
        "room": room.pk,
        "title": "Tuolijumppa",
        "start": "2026-12-01T18:00:00+02:00",
        "end": "2026-12-01T20:00:00+02:00",
    }
    body.update(kw)
    return body


NEVER_MATCHING = [
    "FREQ=DAILY;BYSETPOS=2;COUNT=3",
    "FREQ=DAILY;BYSETPOS=-366;COUNT=3",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=2",
    "FREQ=DAILY;BYSETPOS=2;UNTIL=99991231",
    "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31;COUNT=5",
    "FREQ=DAILY;BYMONTH=13;COUNT=3",
    "FREQ=YEARLY;INTERVAL=9000;COUNT=3",
]


@pytest.mark.parametrize("rule", NEVER_MATCHING)
def test_a_rule_that_never_matches_is_a_clear_400_at_once(api, users, association, room, rule):
    began = time.monotonic()
    response = api(users.member).post(
        "/api/v1/bookings", payload(association, room, rrule=rule), format="json"
    )
    took = time.monotonic() - began
    assert response.status_code == 400
    assert response.json()["rrule"][0]
    assert took < 2.0, took
    assert not Booking.objects.exists()


def test_a_date_only_until_is_stored_and_returned_as_utc(api, users, association, room):
    body = payload(association, room, rrule="FREQ=WEEKLY;UNTIL=20270525")
    response = api(users.member).post("/api/v1/bookings", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["rrule"] == "FREQ=WEEKLY;UNTIL=20270525T205959Z"
    assert response.json()["occurrences"][-1]["start"] == "2027-05-25T18:00:00+03:00"
    booking = Booking.objects.get()
    assert booking.rrule == "FREQ=WEEKLY;UNTIL=20270525T205959Z"
    again = api(users.member).get(f"/api/v1/bookings/{booking.pk}").json()
    assert again["rrule"] == "FREQ=WEEKLY;UNTIL=20270525T205959Z"


def test_canonical_rule_keeps_the_rest_and_utc_untils():
    assert (
        canonical_rule("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270525", HEL)
        == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270525T205959Z"
    )
    # Winter: UTC+2.
    assert canonical_rule("FREQ=DAILY;UNTIL=20270105T180000", HEL) == "FREQ=DAILY;UNTIL=20270105T160000Z"
    assert canonical_rule("FREQ=DAILY;UNTIL=20270105T160000Z", HEL) == "FREQ=DAILY;UNTIL=20270105T160000Z"
    assert canonical_rule("FREQ=DAILY;COUNT=3", HEL) == "FREQ=DAILY;COUNT=3"
    assert canonical_rule("", HEL) == ""


def test_the_migration_rewrites_stored_date_only_untils(api, users, association, room):
    response = api(users.member).post(
        "/api/v1/bookings", payload(association, room, rrule="FREQ=WEEKLY;COUNT=3")
    )
    assert response.status_code == 201
    Booking.objects.update(rrule="FREQ=WEEKLY;UNTIL=20261215")
    migration = importlib.import_module("booking.migrations.0004_until_in_utc")
    migration.until_in_utc(apps, None)
    assert Booking.objects.get().rrule == "FREQ=WEEKLY;UNTIL=20261215T215959Z"


# -- CSV -------------------------------------------------------------------------------


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(lead):
    out = io.StringIO()
    csvsafe.writer(out).writerow([f'{lead}HYPERLINK("http://x")', "plain", None, 5, -3])
    row = next(csv.reader(io.StringIO(out.getvalue())))
    assert row[0] == f'\'{lead}HYPERLINK("http://x")'
    assert row[1:] == ["plain", "", "5", "'-3"]


def test_the_association_csv_is_safe_to_open_in_a_spreadsheet(api, client, users, association, room):
    from defusedcsv import csv as defused

    type(association).objects.filter(pk=association.pk).update(name='=HYPERLINK("http://evil","x")')
    response = api(users.member).post("/api/v1/bookings", payload(association, room), format="json")
    assert response.status_code == 201
    response = client.get("/stats/associations.csv", {"start": "2026-12-01", "end": "2026-12-31"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil","x")' in cells
    # Nothing nobody here wrote would still neutralise: defusedcsv writes the same cells.
    again = io.StringIO()
    defused.writer(again).writerows(rows)
    assert list(csv.reader(io.StringIO(again.getvalue()))) == rows
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


# -- throttling --------------------------------------------------------------------------


def test_writes_are_throttled_per_token_and_reads_are_not(api, users, association, room, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    # DRF reads the rates once, at import.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"write": "3/minute"})
    member, admin = api(users.member), api(users.admin)
    codes = []
    for day in range(1, 6):
        body = payload(
            association,
            room,
            start=f"2026-12-{day:02d}T18:00:00+02:00",
            end=f"2026-12-{day:02d}T20:00:00+02:00",
        )
        codes.append(member.post("/api/v1/bookings", body, format="json").status_code)
    assert codes == [201, 201, 201, 429, 429]
    assert member.get("/api/v1/me").status_code == 200
    # Another token has its own allowance.
    body = payload(association, room, start="2026-12-10T18:00:00+02:00", end="2026-12-10T20:00:00+02:00")
    throttled = member.post("/api/v1/bookings", body, format="json")
    assert throttled.status_code == 429 and "Retry-After" in throttled
    assert admin.post("/api/v1/bookings", body, format="json").status_code == 201
    # The counters are in the database, shared by every app server.
    assert caches["ratelimit"].__class__.__name__ == "DatabaseCache"


def test_the_booking_form_still_reads_a_utc_until_as_its_local_end_date():
    from datetime import date

    from booking import plain_rrule

    plain = plain_rrule.parse("FREQ=WEEKLY;UNTIL=20261222T215959Z", date(2026, 12, 1))
    assert plain is not None and plain.until == date(2026, 12, 22)
