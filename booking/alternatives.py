"""When the requested time is taken: the nearest free times in the same room, and the same
time in other suitable rooms of the venue.

The search itself (`free_shifts`) is pure; `suggest_alternatives` loads each room's
confirmed dates for the whole search window once and reuses the room rules of services.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from venues.models import Room

from .models import Occurrence, Status
from .overlap import Span, collides
from .recurrence import Slot, localize
from .rules import RoomRules, rule_violations
from .services import room_rules

STEP = timedelta(minutes=30)
SPAN = timedelta(days=3)


@dataclass(frozen=True)
class Alternative:
    room: Room
    start: datetime  # the first date's start, aware
    end: datetime
    shift: timedelta  # how far from the requested time (zero for another room)
    dates: int = 1

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.room.venue.tz)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(self.room.venue.tz)


@dataclass
class Alternatives:
    same_room: list[Alternative] = field(default_factory=list)
    other_rooms: list[Alternative] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.same_room or self.other_rooms)


Busy = Span  # start and block_end (end plus turnaround) of a taken date


def shift_slots(slots: Sequence[Slot], shift: timedelta, tz: ZoneInfo) -> list[Slot]:
    """Every date moved by `shift` of wall-clock time, so 18:00 → 19:00 holds across DST."""
    moved = []
    for slot in slots:
        start = localize(slot.start.astimezone(tz).replace(tzinfo=None) + shift, tz)
        end = localize(slot.end.astimezone(tz).replace(tzinfo=None) + shift, tz)
        moved.append(Slot(start, end))
    return moved


def is_free(slots: Sequence[Slot], busy: Sequence[Busy], buffer: timedelta) -> bool:
    return not any(collides(s.start, s.end, buffer, busy) for s in slots)


def candidate_shifts(slots: Sequence[Slot], tz: ZoneInfo, step: timedelta = STEP, span: timedelta = SPAN):
    """Nearest first, later before earlier at equal distance; a series keeps its weekday."""
    first = slots[0].start.astimezone(tz)
    n = int(span / step)
    for i in range(1, n + 1):
        for shift in (step * i, -step * i):
            if len(slots) > 1:
                # Moving a series to another day would break its weekday pattern (BYDAY).
                moved = first.replace(tzinfo=None) + shift
                if moved.date() != first.date():
                    continue
            yield shift


def free_shifts(
    *,
    slots: Sequence[Slot],
    busy: Sequence[Busy],
    rules: RoomRules,
    buffer: timedelta,
    now: datetime,
    shifts: Iterable[timedelta],
) -> Iterator[tuple[timedelta, list[Slot]]]:
    """The shifts at which every date is free and keeps the room's rules. Pure."""
    for shift in shifts:
        moved = shift_slots(slots, shift, rules.tz)
        if is_free(moved, busy, buffer) and not rule_violations(moved, rules, now):
            yield shift, moved


def _busy_by_room(room_ids: Sequence[int], lo: datetime, hi: datetime) -> dict[int, list[Busy]]:
    rows = Occurrence.objects.filter(
        room_id__in=room_ids, status=Status.CONFIRMED, start__lt=hi, block_end__gt=lo
    ).values_list("room_id", "start", "block_end")
    busy: dict[int, list[Busy]] = defaultdict(list)
    for room_id, start, block_end in rows:
        busy[room_id].append((start, block_end))
    return busy


def suggest_alternatives(
    *,
    room: Room,
    slots: Sequence[Slot],
    limit: int = 5,
    participants: int | None = None,
    now: datetime | None = None,
) -> Alternatives:
    """Free times near the request in `room`, and the same times in other rooms of its venue."""
    result = Alternatives()
    if not slots:
        return result
    now = now or timezone.now()
    tz = room.venue.tz
    lo = min(s.start for s in slots) - SPAN - timedelta(days=1)
    hi = max(s.end for s in slots) + SPAN + timedelta(days=1)

    busy = _busy_by_room([room.pk], lo, hi + room.buffer)
    rules = room_rules(room, lo, hi)
    found = free_shifts(
        slots=slots,
        busy=busy[room.pk],
        rules=rules,
        buffer=room.buffer,
        now=now,
        shifts=candidate_shifts(slots, tz),
    )
    for shift, moved in found:
        result.same_room.append(Alternative(room, moved[0].start, moved[0].end, shift, len(moved)))
        if len(result.same_room) >= limit:
            break

    others = Room.objects.filter(venue_id=room.venue_id, is_active=True).exclude(pk=room.pk)
    if participants:
        others = others.filter(capacity__gte=participants)
    others = list(others.select_related("venue").prefetch_related("opening_hours")[: limit * 4])
    lo, hi = slots[0].start, max(s.end for s in slots)
    busy = _busy_by_room(
        [r.pk for r in others], lo, hi + max((r.buffer for r in others), default=timedelta(0))
    )
    for other in others:
        if len(result.other_rooms) >= limit:
            break
        if is_free(slots, busy[other.pk], other.buffer) and not rule_violations(
            slots, room_rules(other, lo, hi), now
        ):
            result.other_rooms.append(
                Alternative(other, slots[0].start, slots[0].end, timedelta(0), len(slots))
            )
    return result
