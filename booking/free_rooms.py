"""Which rooms are free for a given time: the read behind "Find a free room" (CONTRACT.md).

A selector: four queries whatever the number of rooms (rooms, opening hours, closures,
confirmed dates), then the same pure rules the booking service applies (booking.rules).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from venues.models import Closure, OpeningHours, Room

from .models import Occurrence, Status
from .overlap import collides
from .recurrence import Slot
from .rules import ClosedSpan, Hours, RoomRules, rule_violations, within_opening_hours


def free_rooms(
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    capacity: int | None = None,
    step_free: bool = False,
    hearing_loop: bool = False,
    venue_ids: Iterable[int] = (),
    bookable_now: bool = False,
) -> list[Room]:
    """Rooms that take bookings, hold `capacity` people, and (with start and end) are open
    for the whole of [start, end) with no closure and no confirmed date in it.

    Buffers count both ways, as in booking.services.find_conflicts: an existing date
    blocks until its block_end (its end plus its room's buffer), and the asked time needs
    this room's buffer after its end. bookable_now also applies the rules a booking must
    meet (not in the past, within the horizon, the room's shortest and longest booking),
    so a "book this" link on the web page leads to a booking that can succeed.
    """
    rooms_qs = (
        Room.objects.filter(is_active=True).select_related("venue").order_by("venue__name", "name", "id")
    )
    if capacity:
        rooms_qs = rooms_qs.filter(capacity__gte=capacity)
    if step_free:
        rooms_qs = rooms_qs.filter(step_free_access=True)
    if hearing_loop:
        rooms_qs = rooms_qs.filter(hearing_loop=True)
    venue_ids = list(venue_ids)
    if venue_ids:
        rooms_qs = rooms_qs.filter(venue_id__in=venue_ids)
    rooms = list(rooms_qs)
    if start is None or end is None or not rooms:
        return rooms

    venue_ids = sorted({r.venue_id for r in rooms})
    room_ids = [r.pk for r in rooms]
    venue_hours: dict[int, list[Hours]] = defaultdict(list)
    room_hours: dict[int, list[Hours]] = defaultdict(list)
    for row in OpeningHours.objects.filter(venue_id__in=venue_ids).filter(
        Q(room__isnull=True) | Q(room_id__in=room_ids)
    ):
        target = room_hours[row.room_id] if row.room_id else venue_hours[row.venue_id]
        target.append(Hours(row.weekday, row.opens, row.closes))

    closures: dict[tuple[int, int | None], list[ClosedSpan]] = defaultdict(list)
    for c in Closure.objects.filter(venue_id__in=venue_ids, start__lt=end, end__gt=start):
        closures[(c.venue_id, c.room_id)].append(ClosedSpan(c.start, c.end, c.reason))

    # The widest buffer bounds the one query; each room's own buffer is applied below.
    widest = timedelta(minutes=max(r.buffer_minutes for r in rooms))
    taken: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for room_id, o_start, o_block_end in Occurrence.objects.filter(
        room_id__in=room_ids, status=Status.CONFIRMED, start__lt=end + widest, block_end__gt=start
    ).values_list("room_id", "start", "block_end"):
        taken[room_id].append((o_start, o_block_end))

    slot = Slot(start, end)
    now = timezone.now()
    free = []
    for room in rooms:
        if collides(start, end, room.buffer, taken[room.pk]):
            continue
        rules = RoomRules(
            tz=room.venue.tz,
            hours=room_hours.get(room.pk) or venue_hours.get(room.venue_id, []),
            closures=[*closures.get((room.venue_id, None), []), *closures.get((room.venue_id, room.pk), [])],
            min_minutes=room.min_booking_minutes,
            max_minutes=room.max_booking_minutes,
            horizon_days=room.booking_horizon_days,
        )
        if bookable_now:
            if rule_violations([slot], rules, now):
                continue
        elif not within_opening_hours(slot, rules) or rules.closures:
            continue
        free.append(room)
    return free
