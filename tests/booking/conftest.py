"""Booking test fixtures: pages in English, and the calendar tests' ticking clock.

The stopped clock (`frozen`), NOW, HEL and at() are shared by every folder: tests/conftest.py.
"""

from __future__ import annotations

import pytest
import time_machine

from .calendar_data import CALENDAR_NOW


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # assert on the English source strings
    return client


@pytest.fixture
def frozen_now():
    """The calendar tests' clock: CALENDAR_NOW, ticking."""
    with time_machine.travel(CALENDAR_NOW, tick=True):
        yield CALENDAR_NOW
