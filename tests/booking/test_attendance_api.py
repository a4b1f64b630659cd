"""POST /api/v1/bookings/{id}/attendance: who records the visits of a date, when, and how many."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from audit.models import AuditEntry
from booking.models import CoHost, Occurrence

from ..factories import BookingFactory, CoHostFactory, MembershipFactory, OccurrenceFactory, RoomFactory

HEL = ZoneInfo("Europe/Helsinki")
NOW = datetime(2026, 11, 23, 19, tzinfo=HEL)
pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def evening(association, room):
    """A weekly series: last Monday (over), today 18:00 (begun), next Monday (to come)."""
    booking = BookingFactory(association=association, room=room, start=NOW - timedelta(days=7, hours=1))
    dates = [
        OccurrenceFactory(booking=booking, start=start, end=start + timedelta(hours=2))
        for start in (NOW - timedelta(days=7, hours=1), NOW - timedelta(hours=1), NOW + timedelta(days=7))
    ]
    return booking, dates


def url(booking) -> str:
    return f"/api/v1/bookings/{booking.pk}/attendance"


def test_it_records_a_begun_date_in_any_offset(api, users, evening):
    booking, (past, today, _future) = evening
    utc = today.start.astimezone(ZoneInfo("UTC")).isoformat()
    response = api(users.member).post(url(booking), {"occurrence": utc, "participants": 14}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "booking": booking.pk,
        "occurrence": today.start.astimezone(HEL).isoformat(),
        "participants": 14,
    }
    today.refresh_from_db()
    assert today.attendance == 14
    assert AuditEntry.objects.filter(action="occurrence.attendance", booking=booking).exists()


def test_it_corrects_a_count(api, users, evening):
    booking, (past, *_rest) = evening
    client = api(users.admin)
    for n in (30, 0):
        assert (
            client.post(url(booking), {"occurrence": past.start.isoformat(), "participants": n}).status_code
            == 200
        )
    past.refresh_from_db()
    assert past.attendance == 0


def test_a_coordinator_records_for_any_association(api, users, evening):
    booking, (past, *_rest) = evening
    response = api(users.coordinator).post(
        url(booking), {"occurrence": past.start.isoformat(), "participants": 3}
    )
    assert response.status_code == 200


def test_an_accepted_cohost_records_but_an_invited_one_does_not(api, users, evening, other_association):
    booking, (past, *_rest) = evening
    cohost = CoHostFactory(booking=booking, association=other_association, status=CoHost.Status.INVITED)
    body = {"occurrence": past.start.isoformat(), "participants": 9}
    assert api(users.outsider).post(url(booking), body, format="json").status_code == 403
    cohost.status = CoHost.Status.ACCEPTED
    cohost.save()
    assert api(users.outsider).post(url(booking), body, format="json").status_code == 200


def test_an_outsider_is_refused_before_the_body_is_read(api, users, evening):
    booking, _dates = evening
    assert api(users.outsider).post(url(booking), {"participants": "x"}, format="json").status_code == 403
    assert api().post(url(booking), {}, format="json").status_code == 401


def test_a_private_booking_is_not_found_for_an_outsider(api, users, evening):
    booking, (past, *_rest) = evening
    booking.is_public = False
    booking.save()
    body = {"occurrence": past.start.isoformat(), "participants": 9}
    assert api(users.outsider).post(url(booking), body, format="json").status_code == 404
    assert (
        api(users.member).post("/api/v1/bookings/999999/attendance", body, format="json").status_code == 404
    )


def test_a_date_not_yet_begun_is_refused(api, users, evening):
    booking, (_past, _today, future) = evening
    response = api(users.admin).post(
        url(booking), {"occurrence": future.start.isoformat(), "participants": 5}
    )
    assert response.status_code == 400
    assert "occurrence" in response.json()
    future.refresh_from_db()
    assert future.attendance is None


def test_no_date_starting_then_is_a_400(api, users, evening):
    booking, (past, *_rest) = evening
    moment = (past.start + timedelta(minutes=5)).isoformat()
    response = api(users.admin).post(url(booking), {"occurrence": moment, "participants": 5}, format="json")
    assert response.status_code == 400
    assert "occurrence" in response.json()


def test_a_cancelled_date_takes_no_count(api, users, evening):
    booking, (past, *_rest) = evening
    Occurrence.objects.filter(pk=past.pk).update(status="cancelled")
    response = api(users.admin).post(url(booking), {"occurrence": past.start.isoformat(), "participants": 5})
    assert response.status_code == 400


@pytest.mark.parametrize("participants", [-1, 12.5, "12", True, None, "", 401, 10**12], ids=lambda v: repr(v))
def test_bad_counts_are_refused(api, users, evening, participants):
    # The room holds 40: at most 400 visits in one date.
    booking, (past, *_rest) = evening
    body = {"occurrence": past.start.isoformat(), "participants": participants}
    response = api(users.admin).post(url(booking), body, format="json")
    assert response.status_code == 400, response.content
    assert "participants" in response.json()
    past.refresh_from_db()
    assert past.attendance is None


def test_the_bound_is_ten_times_the_capacity(api, users, evening):
    booking, (past, *_rest) = evening
    response = api(users.admin).post(
        url(booking), {"occurrence": past.start.isoformat(), "participants": 400}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "body", [[], "x", {"participants": 3}, {"occurrence": "2026-11-16T18:00", "participants": 3}]
)
def test_malformed_bodies_are_400(api, users, evening, body):
    booking, _dates = evening
    assert api(users.admin).post(url(booking), body, format="json").status_code == 400


def test_a_multi_room_date_holds_its_count_once(api, users, association, room, venue):
    kitchen = RoomFactory(venue=venue, name="Keittiö", slug="keittio", capacity=10)
    start = NOW - timedelta(days=1)
    booking = BookingFactory(association=association, room=room, start=start)
    main = OccurrenceFactory(booking=booking, start=start, end=start + timedelta(hours=2))
    extra = OccurrenceFactory(booking=booking, room=kitchen, start=start, end=start + timedelta(hours=2))
    Occurrence.objects.filter(pk=extra.pk).update(attendance=7)  # an old count on the wrong row
    response = api(users.admin).post(url(booking), {"occurrence": start.isoformat(), "participants": 20})
    assert response.status_code == 200
    assert dict(Occurrence.objects.filter(booking=booking).values_list("pk", "attendance")) == {
        main.pk: 20,
        extra.pk: None,
    }
    # Both rooms' capacities count towards the bound: (40 + 10) x 10.
    assert (
        api(users.admin)
        .post(url(booking), {"occurrence": start.isoformat(), "participants": 500})
        .status_code
        == 200
    )


def test_a_member_of_a_removed_association_may_not(api, evening, association):
    booking, (past, *_rest) = evening
    user = MembershipFactory(association=association).user
    association.status = "removed"
    association.save()
    response = api(user).post(url(booking), {"occurrence": past.start.isoformat(), "participants": 3})
    assert response.status_code in (403, 404)


def test_the_schema_documents_every_answer(api):
    schema = api().get("/api/schema/?format=json").json()
    responses = schema["paths"]["/api/v1/bookings/{id}/attendance"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404"} <= set(responses)


@pytest.mark.parametrize("moment", ["2000-01-01T00:00:00.2-18:56", "2026-11-16T18:00:00+15:00"])
def test_an_offset_no_place_has_is_a_400(api, users, evening, moment):
    booking, _dates = evening
    response = api(users.admin).post(url(booking), {"occurrence": moment, "participants": 3}, format="json")
    assert response.status_code == 400
    assert "occurrence" in response.json()
