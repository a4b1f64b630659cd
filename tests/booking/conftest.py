"""Booking test fixtures: the frozen clock, pages in English, Helsinki wall-clock times."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from ..conftest import HEL
from .calendar_data import CALENDAR_NOW

# Monday 2026-11-23 09:00 Helsinki: most booking tests book the weeks after it.
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=HEL)


def at(day: str, hour: int, minute: int = 0) -> datetime:
    """'2026-12-01', 18 → 18:00 that day on the Helsinki wall clock."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=HEL)


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # assert on the English source strings
    return client


@pytest.fixture
def frozen():
    """The clock stopped at NOW; the traveller moves it (`frozen.move_to(...)`)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def frozen_now():
    """The calendar tests' clock: CALENDAR_NOW, ticking."""
    with time_machine.travel(CALENDAR_NOW, tick=True):
        yield CALENDAR_NOW
