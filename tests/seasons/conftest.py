"""A season at the shared test house: two rooms, open every day 08-22, ten weeks ahead."""

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone

from seasons import services
from seasons.models import Season

from ..factories import RoomFactory


def next_monday(after: date) -> date:
    return after + timedelta(days=7 - after.weekday())


@pytest.fixture
def hall(venue):
    return RoomFactory(venue=venue, name="Kerhohuone", slug="kerhohuone", capacity=12)


@pytest.fixture
def season(users, venue, room, hall):
    today = timezone.localdate()
    start = next_monday(today + timedelta(days=14))
    return services.season_create(
        actor=users.coordinator,
        name="Syksy",
        venue=venue,
        rooms=[room, hall],
        start=start,
        end=start + timedelta(days=69),
        applications_close=timezone.now() + timedelta(days=7),
    )


@pytest.fixture
def after_deadline(season):
    """The clock moved just past the season's deadline (and ticking on)."""
    with time_machine.travel(season.applications_close + timedelta(minutes=1), tick=True):
        yield


def wish(room, weekday=2, start="18:00", end="20:00"):
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    return services.WishInput(room, weekday, time(h1, m1), time(h2, m2))


def apply(season, actor, association, *wishes, title="Kerho", group_size=10, **kwargs):
    return services.application_submit(
        actor=actor,
        season=season,
        association=association,
        title=title,
        group_size=group_size,
        wishes=list(wishes),
        **kwargs,
    )


@pytest.fixture
def helpers():
    return SimpleNamespace(wish=wish, apply=apply)


def local(season: Season, day: date, hh: int, mm: int = 0) -> datetime:
    from booking.recurrence import localize

    return localize(datetime.combine(day, time(hh, mm)), season.venue.tz)
