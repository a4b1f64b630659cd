"""POST /api/v1/bookings/{id}/cancel: the whole series, one date, or a date and those after."""

import pytest
from django.core import mail

from audit.models import AuditEntry
from booking.models import Occurrence

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def series(api, users, association, room):
    response = api(users.admin).post(
        "/api/v1/bookings",
        {
            "association": association.pk,
            "room": room.pk,
            "title": "Kerhoilta",
            "start": "2026-12-01T18:00:00+02:00",
            "end": "2026-12-01T20:00:00+02:00",
            "rrule": "FREQ=WEEKLY;COUNT=4",
        },
        format="json",
    )
    assert response.status_code == 201
    return response.json()["id"]


def statuses(response):
    return [o["status"] for o in response.json()["occurrences"]]


def test_it_cancels_one_date(api, users, series):
    response = api(users.member).post(
        f"/api/v1/bookings/{series}/cancel", {"occurrence": "2026-12-08T18:00:00+02:00"}, format="json"
    )
    assert response.status_code == 200
    assert statuses(response) == ["confirmed", "cancelled", "confirmed", "confirmed"]
    assert response.json()["status"] == "confirmed"


def test_the_date_may_be_named_in_any_offset(api, users, series):
    response = api(users.admin).post(
        f"/api/v1/bookings/{series}/cancel", {"occurrence": "2026-12-08T16:00:00Z"}, format="json"
    )
    assert statuses(response)[1] == "cancelled"


def test_it_cancels_a_date_and_all_after_it(api, users, series):
    response = api(users.admin).post(
        f"/api/v1/bookings/{series}/cancel", {"from": "2026-12-15T18:00:00+02:00"}, format="json"
    )
    assert statuses(response) == ["confirmed", "confirmed", "cancelled", "cancelled"]


def test_empty_body_cancels_the_series(api, users, series, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(users.admin).post(f"/api/v1/bookings/{series}/cancel", {}, format="json")
    assert response.status_code == 200
    assert statuses(response) == ["cancelled"] * 4
    assert response.json()["status"] == "cancelled"
    assert AuditEntry.objects.filter(action="booking.cancelled", booking_id=series).exists()
    assert any("cancelled" in m.subject.lower() or "peruttu" in m.subject.lower() for m in mail.outbox)


def test_a_cancelled_slot_can_be_booked_again(api, users, series, other_association, room):
    api(users.admin).post(
        f"/api/v1/bookings/{series}/cancel", {"occurrence": "2026-12-08T18:00:00+02:00"}, format="json"
    )
    response = api(users.outsider).post(
        "/api/v1/bookings",
        {
            "association": other_association.pk,
            "room": room.pk,
            "title": "Kuntopiiri",
            "start": "2026-12-08T18:00:00+02:00",
            "end": "2026-12-08T20:00:00+02:00",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "confirmed"
    assert (
        Occurrence.objects.filter(
            room=room, status="confirmed", start=response.json()["occurrences"][0]["start"]
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    "body, field",
    [
        ({"occurrence": "2026-12-09T18:00:00+02:00"}, "occurrence"),  # no date starts then
        ({"from": "2026-12-09T18:00:00+02:00"}, "from"),
        ({"occurrence": "2026-12-08T18:00:00"}, "occurrence"),  # no offset
        ({"occurrence": "soon"}, "occurrence"),
    ],
)
def test_unknown_or_malformed_dates_are_400(api, users, series, body, field):
    response = api(users.admin).post(f"/api/v1/bookings/{series}/cancel", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_outsider_cannot_cancel(api, users, series):
    response = api(users.outsider).post(f"/api/v1/bookings/{series}/cancel", {}, format="json")
    assert response.status_code in (403, 404)
    assert statuses(api(users.admin).get(f"/api/v1/bookings/{series}")) == ["confirmed"] * 4


def test_anonymous_cannot_cancel(api, series):
    assert api(None).post(f"/api/v1/bookings/{series}/cancel", {}, format="json").status_code == 401
    assert set(Occurrence.objects.filter(booking_id=series).values_list("status", flat=True)) == {"confirmed"}


def test_coordinator_can_cancel(api, users, series):
    response = api(users.coordinator).post(f"/api/v1/bookings/{series}/cancel", {}, format="json")
    assert response.status_code == 200
    assert statuses(response) == ["cancelled"] * 4
    assert AuditEntry.objects.get(action="booking.cancelled", booking_id=series).actor == users.coordinator


def test_unknown_booking_is_404(api, users):
    assert api(users.admin).post("/api/v1/bookings/999999/cancel", {}, format="json").status_code == 404
