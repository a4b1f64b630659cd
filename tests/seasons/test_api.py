"""The season endpoints exactly as CONTRACT.md "Seasons" writes them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from seasons.models import Application, Season

from .conftest import apply, wish

pytestmark = pytest.mark.django_db


def season_body(season_venue, season_rooms, **overrides):
    today = timezone.localdate()
    body = {
        "name": "Kevät",
        "venue": season_venue.pk,
        "rooms": [r.pk for r in season_rooms],
        "start": (today + timedelta(days=30)).isoformat(),
        "end": (today + timedelta(days=120)).isoformat(),
        "applications_close": (timezone.now() + timedelta(days=10)).isoformat(),
    }
    body.update(overrides)
    return body


def application_body(association, room, **overrides):
    body = {
        "association": association.pk,
        "title": "Tuolijumppa",
        "group_size": 12,
        "public": True,
        "wishes": [
            {"room": room.pk, "weekday": 2, "start": "18:00", "end": "19:30"},
            {"room": room.pk, "weekday": 3, "start": "18:00", "end": "19:30"},
        ],
    }
    body.update(overrides)
    return body


def test_a_coordinator_opens_a_season(api, users, venue, room, hall):
    response = api(users.coordinator).post("/api/v1/seasons", season_body(venue, [room, hall]), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert set(data) >= {"id", "name", "venue", "rooms", "start", "end", "applications_close", "status"}
    assert data["status"] == "open"
    assert data["rooms"] == sorted([room.pk, hall.pk])
    assert data["venue"] == venue.pk


def test_anyone_reads_seasons(api, season):
    listing = api().get("/api/v1/seasons")
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    assert listing.json()["results"][0]["id"] == season.pk
    one = api().get(f"/api/v1/seasons/{season.pk}")
    assert one.status_code == 200
    assert one.json()["status"] == "open"
    assert api().get("/api/v1/seasons/999999").status_code == 404


def test_the_status_follows_the_clock(api, season, after_deadline):
    assert api().get(f"/api/v1/seasons/{season.pk}").json()["status"] == "closed"


@pytest.mark.parametrize("role", ["admin", "member", "outsider"])
def test_only_coordinators_open_seasons_and_403_comes_before_400(api, users, venue, room, role):
    user = getattr(users, role)
    assert api(user).post("/api/v1/seasons", season_body(venue, [room]), format="json").status_code == 403
    assert api(user).post("/api/v1/seasons", {"name": ""}, format="json").status_code == 403
    assert api(user).post("/api/v1/seasons", "garbage", content_type="application/json").status_code == 403


def test_anonymous_may_not_open_a_season(api, venue, room):
    assert api().post("/api/v1/seasons", season_body(venue, [room]), format="json").status_code == 401


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"end": "2020-01-01"}, "end"),
        ({"applications_close": "2027-01-01T10:00"}, "applications_close"),
        ({"rooms": []}, "rooms"),
        ({"venue": 999999}, "venue"),
        ({"start": "1.1.2027"}, "start"),
        ({"start": "0001-01-01"}, "end"),
    ],
)
def test_bad_seasons_are_400_with_messages(api, users, venue, room, overrides, field):
    response = api(users.coordinator).post(
        "/api/v1/seasons", season_body(venue, [room], **overrides), format="json"
    )
    assert response.status_code == 400
    assert response.json()[field]


def test_a_season_must_end_within_the_rooms_booking_horizon(api, users, venue, room):
    room.booking_horizon_days = 60
    room.save()
    response = api(users.coordinator).post("/api/v1/seasons", season_body(venue, [room]), format="json")
    assert response.status_code == 400
    assert "end" in response.json()


def test_a_room_of_another_house_is_refused(api, users, venue, room):
    from ..factories import RoomFactory

    elsewhere = RoomFactory()
    response = api(users.coordinator).post(
        "/api/v1/seasons", season_body(venue, [room, elsewhere]), format="json"
    )
    assert response.status_code == 400
    assert "rooms" in response.json()


@pytest.mark.parametrize("role", ["admin", "member", "coordinator"])
def test_members_admins_and_coordinators_apply(api, users, association, season, room, role):
    response = api(getattr(users, role)).post(
        f"/api/v1/seasons/{season.pk}/applications", application_body(association, room), format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "submitted"
    assert data["granted"] is None
    assert data["wishes"][0] == {"room": room.pk, "weekday": 2, "start": "18:00", "end": "19:30"}


def test_an_outsider_is_refused_before_the_body_is_read(api, users, association, season, room):
    client = api(users.outsider)
    url = f"/api/v1/seasons/{season.pk}/applications"
    assert client.post(url, application_body(association, room), format="json").status_code == 403
    bad = application_body(association, room, wishes=[], group_size="many")
    assert client.post(url, bad, format="json").status_code == 403
    assert client.post(url, {"association": "x"}, format="json").status_code == 403
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "wishes, field",
    [
        ([], "wishes"),
        ([{"room": 1, "weekday": 2, "start": "18:00", "end": "19:30"}] * 6, "wishes"),
        ([{"room": "ROOM", "weekday": 8, "start": "18:00", "end": "19:30"}], "wishes"),
        ([{"room": "ROOM", "weekday": 2, "start": "8:00", "end": "19:30"}], "wishes"),
        ([{"room": "ROOM", "weekday": 2, "start": "18:00", "end": "18:00"}], "wishes"),
        ([{"room": "ROOM", "weekday": 2, "start": "21:00", "end": "23:00"}], "wishes"),
        ([{"room": "ROOM", "weekday": 2, "start": "18:00", "end": "18:15"}], "wishes"),
        ([{"room": "OTHER", "weekday": 2, "start": "18:00", "end": "19:00"}], "wishes"),
        ([{"room": "ROOM", "weekday": 2, "start": "24:00", "end": "25:00"}], "wishes"),
    ],
)
def test_bad_applications_are_400_with_messages(api, users, association, season, room, wishes, field):
    from ..factories import RoomFactory

    other = RoomFactory(venue=season.venue)
    wishes = [{**w, "room": {"ROOM": room.pk, "OTHER": other.pk}.get(w["room"], w["room"])} for w in wishes]
    response = api(users.admin).post(
        f"/api/v1/seasons/{season.pk}/applications",
        application_body(association, room, wishes=wishes),
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert response.json()[field]
    # CONTRACT.md's error shape, also for the nested wishes: {"field": ["message", ...]}.
    assert all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in response.json().values())


def test_a_group_larger_than_the_room_is_refused(api, users, association, season, hall):
    response = api(users.admin).post(
        f"/api/v1/seasons/{season.pk}/applications",
        application_body(association, hall, group_size=hall.capacity + 1),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["group_size"]


def test_no_application_after_the_deadline(api, users, association, season, room, after_deadline):
    response = api(users.admin).post(
        f"/api/v1/seasons/{season.pk}/applications", application_body(association, room), format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"]


def test_each_sees_their_own_applications_and_coordinators_all(
    api, users, association, other_association, season, room, hall
):
    apply(season, users.admin, association, wish(room))
    apply(season, users.outsider, other_association, wish(hall))
    mine = api(users.member).get(f"/api/v1/seasons/{season.pk}/applications").json()
    assert [a["association"] for a in mine["results"]] == [association.pk]
    assert set(mine["results"][0]) >= {
        "id",
        "association",
        "title",
        "group_size",
        "wishes",
        "status",
        "granted",
    }
    everyone = api(users.coordinator).get(f"/api/v1/seasons/{season.pk}/applications").json()
    assert everyone["count"] == 2
    assert api().get(f"/api/v1/seasons/{season.pk}/applications").status_code == 401


def test_listing_applications_takes_a_bounded_number_of_queries(
    api, users, association, season, room, django_assert_max_num_queries
):
    for n in range(8):
        apply(season, users.admin, association, wish(room, weekday=1 + n % 7), wish(room, weekday=2))
    client = api(users.coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(f"/api/v1/seasons/{season.pk}/applications")
    assert response.json()["count"] == 8
    with django_assert_max_num_queries(6):
        assert api().get("/api/v1/seasons").status_code == 200


def test_allocate_is_refused_while_open(api, users, season):
    response = api(users.coordinator).post(f"/api/v1/seasons/{season.pk}/allocate", {}, format="json")
    assert response.status_code == 400
    assert Season.objects.get(pk=season.pk).status == "open"


@pytest.mark.parametrize("role", ["admin", "member", "outsider"])
def test_only_coordinators_allocate_and_publish(api, users, season, role, after_deadline):
    client = api(getattr(users, role))
    assert client.post(f"/api/v1/seasons/{season.pk}/allocate", {}, format="json").status_code == 403
    assert client.post(f"/api/v1/seasons/{season.pk}/publish", {}, format="json").status_code == 403


def test_allocate_then_publish(api, users, association, other_association, season, room, hall):
    first = apply(season, users.admin, association, wish(room, 2), title="Kuoro")
    second = apply(season, users.outsider, other_association, wish(room, 2), wish(room, 3), title="Jumppa")
    client = api(users.coordinator)
    with time_travel_past(season):
        response = client.post(f"/api/v1/seasons/{season.pk}/allocate", {}, format="json")
        assert response.status_code == 200, response.json()
        proposal = response.json()
        assert proposal["status"] == "proposed"
        granted = {g["application"]: g for g in proposal["granted"]}
        assert set(granted) == {first.pk, second.pk}
        assert granted[first.pk]["wish"] == 1
        assert granted[second.pk] == {
            **granted[second.pk],
            "wish": 2,
            "room": room.pk,
            "weekday": 3,
            "start": "18:00",
            "end": "20:00",
        }
        assert proposal["refused"] == []
        assert client.get(f"/api/v1/seasons/{season.pk}").json()["status"] == "proposed"
        # Until publication the applications are submitted and not yet granted.
        listed = client.get(f"/api/v1/seasons/{season.pk}/applications").json()["results"]
        assert {a["status"] for a in listed} == {"submitted"}
        assert {a["granted"] is None for a in listed} == {True}

        published = client.post(f"/api/v1/seasons/{season.pk}/publish", {}, format="json")
        assert published.status_code == 200, published.json()
        assert published.json()["status"] == "published"
        listed = client.get(f"/api/v1/seasons/{season.pk}/applications").json()["results"]
        assert {a["status"] for a in listed} == {"granted"}
        for a in listed:
            assert a["granted"]["booking"] is not None
        again = client.post(f"/api/v1/seasons/{season.pk}/publish", {}, format="json")
        assert again.status_code == 200
        assert again.json()["booked"] == []
        assert client.post(f"/api/v1/seasons/{season.pk}/allocate", {}, format="json").status_code == 400


def test_a_refusal_says_why_in_plain_words(api, users, association, other_association, season, room):
    apply(season, users.admin, association, wish(room, 2, "18:00", "20:00"), title="Kuoro")
    loser = apply(season, users.admin, association, wish(room, 2, "19:00", "21:00"), title="Toinen")
    apply(season, users.outsider, other_association, wish(room, 2, "20:00", "22:00"), title="Jumppa")
    with time_travel_past(season):
        proposal = (
            api(users.coordinator).post(f"/api/v1/seasons/{season.pk}/allocate", {}, format="json").json()
        )
    assert len(proposal["granted"]) == 2
    assert [r["application"] for r in proposal["refused"]] == [loser.pk]
    reason = proposal["refused"][0]["reason"]
    assert "Joutsan Eläkeläiset ry" in reason and "Joutsan Urheilijat ry" in reason, reason


def time_travel_past(season):
    import time_machine

    return time_machine.travel(season.applications_close + timedelta(minutes=1), tick=True)


def test_a_coordinator_types_in_a_whole_season_of_paper_applications(
    api, users, association, season, room, monkeypatch
):
    from rest_framework.throttling import SimpleRateThrottle

    # DRF reads the rates once, at import.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"write": "3/minute"})
    url = f"/api/v1/seasons/{season.pk}/applications"
    coordinator, admin = api(users.coordinator), api(users.admin)
    codes = [
        coordinator.post(url, application_body(association, room), format="json").status_code
        for _ in range(5)
    ]
    assert codes == [201] * 5
    codes = [
        admin.post(url, application_body(association, room), format="json").status_code for _ in range(5)
    ]
    assert codes == [201, 201, 201, 429, 429]  # volunteers keep the house's write limit
