"""The one overlap rule (booking/overlap.py): half-open spans, the buffer part of the span."""

from datetime import datetime, timedelta

from booking.overlap import block_end, collides, overlaps

from ..conftest import HEL

T = datetime(2026, 12, 9, 10, tzinfo=HEL)
H = timedelta(hours=1)


def test_back_to_back_is_not_an_overlap():
    assert not overlaps(T, T + H, T + H, T + 2 * H)
    assert overlaps(T, T + H + timedelta(minutes=1), T + H, T + 2 * H)


def test_the_buffer_holds_the_room_after_the_end():
    busy = [(T + H, block_end(T + 2 * H, timedelta(0)))]
    assert not collides(T, T + H, timedelta(0), busy)
    assert collides(T, T + H, timedelta(minutes=15), busy)


def test_a_span_inside_another_overlaps():
    assert overlaps(T, T + 3 * H, T + H, T + 2 * H)
    assert overlaps(T + H, T + 2 * H, T, T + 3 * H)
