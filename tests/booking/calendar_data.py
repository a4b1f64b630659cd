"""Calendar test data: series built from factories, one Occurrence row per date.

Plain helpers, imported by the calendar, feed and events API tests; their clock, the
`frozen_now` fixture, is in tests/booking/conftest.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from booking.models import Status
from booking.recurrence import localize

from ..conftest import HEL
from ..factories import BookingFactory, OccurrenceFactory

# Thursday 2026-10-01 12:00 Helsinki: the DST change of 2026-10-25 lies ahead.
CALENDAR_NOW = datetime(2026, 10, 1, 12, 0, tzinfo=HEL)


def local(*args) -> datetime:
    return localize(datetime(*args), HEL)


def make_series(
    *,
    room,
    association,
    first: datetime,
    count: int = 5,
    hours: int = 2,
    rrule: str | None = None,
    **booking_fields,
):
    """A weekly series and its dates, each expanded on the local wall clock (18:00 stays 18:00)."""
    naive = first.astimezone(HEL).replace(tzinfo=None)
    starts = [localize(naive + timedelta(weeks=n), HEL) for n in range(count)]
    booking = BookingFactory(
        room=room,
        association=association,
        start=starts[0],
        end=starts[0] + timedelta(hours=hours),
        rrule=rrule if rrule is not None else f"FREQ=WEEKLY;COUNT={count}",
        **booking_fields,
    )
    for start in starts:
        OccurrenceFactory(
            booking=booking, start=start, end=start + timedelta(hours=hours), status=booking.status
        )
    return booking


def make_event(*, room, association, start: datetime, hours: int = 2, **booking_fields):
    booking = BookingFactory(
        room=room, association=association, start=start, end=start + timedelta(hours=hours), **booking_fields
    )
    OccurrenceFactory(booking=booking)
    return booking


def cancel(booking, start: datetime, status: str = Status.CANCELLED) -> None:
    occ = booking.occurrences.get(start=start)
    occ.status = status
    occ.save()


def move(booking, start: datetime, new_start: datetime, hours: int = 2) -> None:
    occ = booking.occurrences.get(start=start)
    occ.start = new_start
    occ.end = new_start + timedelta(hours=hours)
    occ.block_end = occ.end
    occ.save()
