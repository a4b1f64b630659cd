"""When two dates of one room collide: the one definition, pure, no database.

A date holds its room over [start, end + buffer): the room's turnaround buffer is part of
the span nobody else may book, and that span's end is what Occurrence.block_end stores.
Ranges are half-open, so back-to-back is fine. The same rule is the PostgreSQL exclusion
constraint on Occurrence (TSTZRANGE(start, block_end, '[)') overlaps), the friendly check
in booking.services.find_conflicts, the alternatives search and the desk's grouping and
waitlist; tests/booking/test_overlap.py pins it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

Span = tuple[datetime, datetime]  # start and block_end of a taken date


def block_end(end: datetime, buffer: timedelta) -> datetime:
    """The end of the span a date holds its room: its end plus the room's turnaround."""
    return end + buffer


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open ranges [a_start, a_end) and [b_start, b_end) share an instant."""
    return a_start < b_end and b_start < a_end


def collides(start: datetime, end: datetime, buffer: timedelta, busy: Iterable[Span]) -> bool:
    """A date [start, end) in a room with `buffer` meets one of the room's taken spans."""
    held_until = block_end(end, buffer)
    return any(overlaps(start, held_until, b_start, b_end) for b_start, b_end in busy)
