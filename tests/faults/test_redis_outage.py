"""Redis killed mid-run: bookings are saved and answered 201, feeds and pages keep working."""

import pytest

from booking.models import Booking
from tupa.cache import FailSoftRedisCache

pytestmark = [pytest.mark.django_db(transaction=True)]  # real commits: after-commit work runs


@pytest.fixture
def redis_cache(settings, redis_server):
    # retry_after=0: every call goes to the (dead) server, the worst case for the code paths.
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "tupa.cache.FailSoftRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"retry_after": 0},
        },
    }
    yield redis_server


def book(api, user, association, room, day: int):
    body = {
        "association": association.pk,
        "room": room.pk,
        "title": f"Kerho {day}",
        "start": f"2027-01-{day:02d}T18:00:00+02:00",
        "end": f"2027-01-{day:02d}T20:00:00+02:00",
    }
    return api(user).post("/api/v1/bookings", body, format="json")


def test_bookings_during_a_redis_outage_are_saved_and_answered_as_saved(
    redis_cache, api, client, users, association, room
):
    from django.core.cache import caches

    assert isinstance(caches["default"], FailSoftRedisCache)
    assert book(api, users.member, association, room, 4).status_code == 201
    assert client.get("/calendar.ics").status_code == 200  # now cached in Redis
    assert client.get("/healthz").json()["cache"] == "ok"

    redis_cache.kill()
    answers = [book(api, users.member, association, room, day) for day in range(5, 12)]
    assert [a.status_code for a in answers] == [201] * 7
    assert Booking.objects.count() == 8
    assert {a.json()["id"] for a in answers} <= set(Booking.objects.values_list("pk", flat=True))

    # Reads keep working without the cache, and show what was booked during the outage.
    feed = client.get("/calendar.ics")
    assert feed.status_code == 200
    assert b"Kerho 11" in feed.content
    for url in ["/calendar/", "/api/v1/events?start=2027-01-01T00:00:00Z&end=2027-02-01T00:00:00Z", "/"]:
        assert client.get(url).status_code == 200, url
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "ok", "cache": "unavailable"}

    # Redis back (empty, as after a restart): the cache is used again.
    redis_cache.start()
    assert book(api, users.member, association, room, 12).status_code == 201
    assert client.get("/healthz").json()["cache"] == "ok"
    assert b"Kerho 12" in client.get("/calendar.ics").content


def test_sign_in_and_throttled_writes_do_not_need_redis(redis_cache, client, users, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    from tests.factories import PASSWORD

    redis_cache.kill()
    answer = client.post("/accounts/login/", {"login": "member", "password": PASSWORD})
    assert answer.status_code == 302
    assert client.get("/my/").status_code == 200


def test_the_breaker_makes_a_dead_redis_cost_nothing(settings, redis_server):
    import time

    backend = FailSoftRedisCache(redis_server.url, {"OPTIONS": {"retry_after": 30}})
    backend.set("k", 1)
    assert backend.get("k") == 1
    redis_server.kill()
    assert backend.get("k", "miss") == "miss"
    began = time.monotonic()
    for _ in range(1000):
        assert backend.get("k") is None
        backend.set("k", 2)
        assert backend.add("lock", 1) is True  # a lock nobody can see is no lock to wait for
        assert backend.incr("n") == 1
    assert time.monotonic() - began < 0.5
    assert backend.ping() is False
