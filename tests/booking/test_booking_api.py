"""POST /api/v1/bookings and GET /api/v1/bookings/{id}, exactly as the contract says."""

from datetime import datetime

import pytest

from booking.models import Booking, Occurrence
from tests.factories import AssociationFactory, ClosureFactory

from ..conftest import HEL

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def at(day: str, hour: int, minute: int = 0) -> str:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=HEL).isoformat()


def payload(association_, room_, **kw):
    body = {
        "association": association_.pk,
        "room": room_.pk,
        "title": "Tuolijumppa",
        "start": at("2026-12-01", 18),
        "end": at("2026-12-01", 20),
    }
    body.update(kw)
    return body


def test_it_books_a_free_room_at_once(api, users, association, room):
    response = api(users.member).post("/api/v1/bookings", payload(association, room), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["occurrences"] == [
        {"start": "2026-12-01T18:00:00+02:00", "end": "2026-12-01T20:00:00+02:00", "status": "confirmed"}
    ]
    assert Booking.objects.get(pk=body["id"]).created_by == users.member


def test_it_requires_a_token(api, association, room):
    response = api(None).post("/api/v1/bookings", payload(association, room), format="json")
    assert response.status_code == 401


def test_outsider_cannot_book_for_another_association(api, users, association, room):
    response = api(users.outsider).post("/api/v1/bookings", payload(association, room), format="json")
    assert response.status_code == 403
    assert "detail" in response.json()
    assert not Booking.objects.exists()


def test_coordinator_books_for_any_association(api, users, association, room):
    response = api(users.coordinator).post("/api/v1/bookings", payload(association, room), format="json")
    assert response.status_code == 201
    booking = Booking.objects.get(pk=response.json()["id"])
    assert (booking.association, booking.created_by, booking.status) == (
        association,
        users.coordinator,
        "confirmed",
    )


def test_pending_association_cannot_book(api, users, room):
    pending = AssociationFactory(status="pending")
    users.member.memberships.create(association=pending, role="admin")
    response = api(users.member).post("/api/v1/bookings", payload(pending, room), format="json")
    assert response.status_code == 403
    assert not Booking.objects.exists() and not Occurrence.objects.exists()


def test_approval_room_gives_pending(api, users, association, approval_room):
    response = api(users.admin).post("/api/v1/bookings", payload(association, approval_room), format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert response.json()["occurrences"][0]["status"] == "pending"


def test_weekly_series_keeps_local_time_across_dst(api, users, association, room):
    body = payload(
        association, room, start=at("2027-03-16", 18), end=at("2027-03-16", 20), rrule="FREQ=WEEKLY;COUNT=4"
    )
    response = api(users.admin).post("/api/v1/bookings", body, format="json")
    assert response.status_code == 201, response.json()
    starts = [o["start"] for o in response.json()["occurrences"]]
    assert starts == [
        "2027-03-16T18:00:00+02:00",
        "2027-03-23T18:00:00+02:00",
        "2027-03-30T18:00:00+03:00",
        "2027-04-06T18:00:00+03:00",
    ]


def test_overlap_is_409_and_saves_nothing(api, users, association, other_association, room):
    first = api(users.admin).post("/api/v1/bookings", payload(association, room, public=False), format="json")
    assert first.status_code == 201
    body = payload(
        other_association,
        room,
        start=at("2026-11-24", 19),
        end=at("2026-11-24", 21),
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    response = api(users.outsider).post("/api/v1/bookings", body, format="json")
    assert response.status_code == 409
    conflicts = response.json()["conflicts"]
    assert conflicts == [
        {
            "start": "2026-12-01T18:00:00+02:00",
            "end": "2026-12-01T20:00:00+02:00",
            "room": room.pk,
            "requested": {"start": "2026-12-01T19:00:00+02:00", "end": "2026-12-01T21:00:00+02:00"},
        }
    ]
    assert "title" not in conflicts[0]  # the first booking is private
    assert Booking.objects.count() == 1


def test_public_conflict_shows_the_title(api, users, association, other_association, room):
    api(users.admin).post("/api/v1/bookings", payload(association, room), format="json")
    response = api(users.outsider).post("/api/v1/bookings", payload(other_association, room), format="json")
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["title"] == "Tuolijumppa"


def test_back_to_back_is_not_a_conflict(api, users, association, room):
    api(users.admin).post("/api/v1/bookings", payload(association, room), format="json")
    body = payload(association, room, start=at("2026-12-01", 20), end=at("2026-12-01", 21))
    assert api(users.admin).post("/api/v1/bookings", body, format="json").status_code == 201
    assert Occurrence.objects.filter(room=room, status="confirmed").count() == 2


def test_buffer_makes_back_to_back_a_conflict(api, users, association, room):
    room.buffer_minutes = 30
    room.save()
    api(users.admin).post("/api/v1/bookings", payload(association, room), format="json")
    body = payload(association, room, start=at("2026-12-01", 20, 15), end=at("2026-12-01", 21))
    assert api(users.admin).post("/api/v1/bookings", body, format="json").status_code == 409
    before = payload(association, room, start=at("2026-12-01", 16), end=at("2026-12-01", 17, 45))
    assert api(users.admin).post("/api/v1/bookings", before, format="json").status_code == 409
    assert Booking.objects.count() == 1  # the refused ones saved nothing
    later = payload(association, room, start=at("2026-12-01", 20, 30), end=at("2026-12-01", 21))
    assert api(users.admin).post("/api/v1/bookings", later, format="json").status_code == 201


def test_pending_competitor_makes_a_new_request_pending(api, users, association, other_association, room):
    first = payload(association, room)
    api(users.admin).post("/api/v1/bookings", first, format="json")
    Occurrence.objects.update(status="pending")
    response = api(users.outsider).post("/api/v1/bookings", payload(other_association, room), format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "pending"


def test_only_free_dates_skips_the_taken_ones(api, users, association, other_association, room):
    api(users.admin).post("/api/v1/bookings", payload(association, room), format="json")
    body = payload(
        other_association,
        room,
        start=at("2026-11-24", 18),
        end=at("2026-11-24", 20),
        rrule="FREQ=WEEKLY;COUNT=3",
        only_free_dates=True,
    )
    response = api(users.outsider).post("/api/v1/bookings", body, format="json")
    assert response.status_code == 201
    assert [o["start"][:10] for o in response.json()["occurrences"]] == ["2026-11-24", "2026-12-08"]
    assert response.json()["skipped"][0]["requested"]["start"] == "2026-12-01T18:00:00+02:00"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"start": "2026-12-01T18:00:00"}, "start"),  # no UTC offset
        ({"end": "2026-12-01T18:00:00+02:00"}, "end"),  # end not after start
        ({"end": "nonsense"}, "end"),
        ({"start": at("2026-12-01", 6), "end": at("2026-12-01", 9)}, "start"),  # before opening
        ({"start": at("2026-12-01", 21), "end": at("2026-12-01", 23)}, "start"),  # after closing
        ({"rrule": "FREQ=WEEKLY"}, "rrule"),  # unbounded
        ({"rrule": "FREQ=DAILY;COUNT=501"}, "rrule"),  # too many
        ({"rrule": "FREQ=HOURLY;COUNT=3"}, "rrule"),  # finer than daily
        ({"rrule": "FREQ=WEEKLY;COUNT=60"}, "rrule"),  # beyond the 365-day horizon
        ({"rrule": "FREQ=WEEKLY;UNTIL=20281231T000000Z"}, "rrule"),
        ({"rrule": "garbage"}, "rrule"),
        ({"rrule": "FREQ=WEEKLY;COUNT=\u00b2"}, "rrule"),  # a Unicode digit int() refuses
        ({"rrule": "FREQ=WEEKLY;COUNT=3;INTERVAL=\u00b2"}, "rrule"),
        ({"room": 999999}, "room"),
        ({"room": "abc"}, "room"),
        ({"association": 999999}, "association"),
        ({"start": at("2026-11-01", 18), "end": at("2026-11-01", 20)}, "start"),  # in the past
        ({"start": at("2028-01-04", 18), "end": at("2028-01-04", 20)}, "start"),  # too far ahead
        ({"end": at("2026-12-01", 18, 10)}, "end"),  # shorter than the minimum
        ({"title": ""}, "title"),
        ({"cohosts": [999999]}, "cohosts"),
    ],
)
def test_bad_input_is_400_with_the_field(api, users, association, room, change, field):
    response = api(users.admin).post("/api/v1/bookings", payload(association, room, **change), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not Booking.objects.exists()


def test_closure_is_400(api, users, association, room):
    ClosureFactory(
        venue=room.venue,
        start=datetime(2026, 12, 1, 0, 0, tzinfo=HEL),
        end=datetime(2026, 12, 2, 0, 0, tzinfo=HEL),
        reason="Remontti",
    )
    response = api(users.admin).post("/api/v1/bookings", payload(association, room), format="json")
    assert response.status_code == 400
    assert "Remontti" in response.json()["start"][0]


@pytest.mark.parametrize(
    "body",
    ["[]", "null", "not json", '{"association": {"x": 1}}', '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"],
)
def test_malformed_bodies_never_500(api, users, body):
    response = api(users.admin).post("/api/v1/bookings", body, content_type="application/json")
    assert response.status_code == 400


def test_get_booking_shows_occurrences_and_cohosts(api, users, association, other_association, room):
    body = payload(association, room, rrule="FREQ=WEEKLY;COUNT=2", cohosts=[other_association.pk])
    created = api(users.admin).post("/api/v1/bookings", body, format="json").json()
    response = api(users.member).get(f"/api/v1/bookings/{created['id']}")
    assert response.status_code == 200
    data = response.json()
    assert data["cohosts"] == [{"id": other_association.pk, "status": "invited"}]
    assert len(data["occurrences"]) == 2
    assert {k for k in data} >= {"id", "status", "title", "room", "association", "cohosts", "occurrences"}


def test_private_booking_is_hidden_from_outsiders(api, users, association, room):
    created = (
        api(users.admin)
        .post("/api/v1/bookings", payload(association, room, public=False), format="json")
        .json()
    )
    hidden = api(users.outsider).get(f"/api/v1/bookings/{created['id']}")
    missing = api(users.admin).get("/api/v1/bookings/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()  # nothing tells the outsider the id exists
    assert created["title"] not in hidden.content.decode()


def test_a_conflict_offers_free_times_nearby_and_other_rooms(
    api, users, association, other_association, room
):
    from tests.factories import RoomFactory

    kitchen = RoomFactory(venue=room.venue, name="Keittiö", slug="keittio", capacity=30)
    tiny = RoomFactory(venue=room.venue, name="Kopperi", slug="kopperi", capacity=4)
    api(users.admin).post("/api/v1/bookings", payload(association, room, public=False), format="json")
    response = api(users.outsider).post(
        "/api/v1/bookings", payload(other_association, room, expected_attendance=12), format="json"
    )
    assert response.status_code == 409
    alternatives = response.json()["alternatives"]
    same_room = alternatives["same_room"]
    assert same_room, alternatives
    # The nearest free two hours in the hall start when the 18–20 booking ends.
    assert {
        "room": room.pk,
        "start": at("2026-12-01", 20),
        "end": at("2026-12-01", 22),
        "dates": 1,
    } in same_room
    for alt in same_room:
        assert alt["start"] != at("2026-12-01", 18)
    # The same time in another room big enough for twelve; the four-seat room is not offered.
    assert alternatives["other_rooms"] == [
        {"room": kitchen.pk, "start": at("2026-12-01", 18), "end": at("2026-12-01", 20), "dates": 1}
    ]
    assert tiny.pk not in {alt["room"] for alt in alternatives["other_rooms"]}
    assert Booking.objects.count() == 1
