"""Desk fixtures: a kitchen that needs approval and two associations asking for the same time."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from booking.recurrence import localize
from booking.services import booking_create
from tests.factories import RoomFactory


def at(days: int, hour: int, minute: int = 0, tz="Europe/Helsinki") -> datetime:
    """Today + days at hour:minute, Helsinki wall-clock time."""
    from zoneinfo import ZoneInfo

    day = timezone.localdate() + timedelta(days=days)
    return localize(datetime.combine(day, time(hour, minute)), ZoneInfo(tz))


@pytest.fixture
def kitchen(venue):
    return RoomFactory(venue=venue, name="Keittiö", slug="keittio", requires_approval=True, capacity=12)


@pytest.fixture
def request_for():
    def _request(user, association, room, start, end, **extra):
        return booking_create(
            actor=user,
            association=association,
            room=room,
            title=extra.pop("title", "Leipomispäivä"),
            start=start,
            end=end,
            **extra,
        ).booking

    return _request


@pytest.fixture
def rivals(users, association, other_association, kitchen, request_for):
    """Two pending requests for the kitchen, 10 days ahead, 12–15 and 13–16."""
    first = request_for(users.admin, association, kitchen, at(10, 12), at(10, 15), expected_attendance=10)
    second = request_for(
        users.outsider,
        other_association,
        kitchen,
        at(10, 13),
        at(10, 16),
        title="Kokkikerho",
        expected_attendance=14,
    )
    return first, second


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Without DEBUG the settings pick the manifest storage, which needs collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
