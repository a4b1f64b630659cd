"""Helpers for the statistics tests: local times in Helsinki and one-line bookings."""

from datetime import datetime

import pytest

from booking.models import Status
from tests.conftest import HEL
from tests.factories import BookingFactory, CoHostFactory, OccurrenceFactory


def at(text: str) -> datetime:
    """'2026-01-06 10:00' in Helsinki wall-clock time (fold=0)."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=HEL)


def book(association, room, start: str, end: str, status=Status.CONFIRMED, cohosts=(), **booking):
    """One booking with one occurrence; cohosts are (association, status) pairs."""
    item = BookingFactory(
        association=association, room=room, start=at(start), end=at(end), status=status, **booking
    )
    occurrence = OccurrenceFactory(booking=item)
    for other, cohost_status in cohosts:
        CoHostFactory(booking=item, association=other, status=cohost_status)
    return occurrence


@pytest.fixture
def usage_of(api):
    def get(start: str, end: str, venue=None, status: int = 200) -> dict:
        params = {"start": start, "end": end}
        if venue is not None:
            params["venue"] = venue
        response = api().get("/api/v1/stats/usage", params)
        assert response.status_code == status, response.content
        return response.json()

    return get
