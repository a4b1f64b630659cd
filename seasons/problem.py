"""The allocation problem of a season, read from the database for seasons/allocation.py.

The solver knows nothing of Django: this module turns rooms, opening hours, applications,
pins and the dates already held into its plain dataclasses.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Q

from booking.models import Occurrence, Status
from booking.recurrence import localize
from venues.models import Closure, OpeningHours, Room

from . import allocation
from .models import Pin, Season

ALWAYS_OPEN = {weekday: ((0, 24 * 60),) for weekday in range(1, 8)}


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _hours_by_iso_weekday(rows) -> dict[int, tuple[tuple[int, int], ...]]:
    hours: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for row in rows:
        # OpeningHours counts Monday as 0; the season speaks ISO weekdays (Monday = 1).
        hours[row.weekday + 1].append((_minutes(row.opens), _minutes(row.closes)))
    return {weekday: tuple(sorted(spans)) for weekday, spans in hours.items()}


def room_open_hours(room: Room, venue_rows=None) -> dict[int, tuple[tuple[int, int], ...]]:
    """A room's weekly opening hours in minutes: its own rows replace the venue's.

    No rows at all means the house set no hours: open all day (as booking/rules.py reads it).
    """
    if venue_rows is None:
        venue_rows = list(OpeningHours.objects.filter(venue_id=room.venue_id))
    own = [r for r in venue_rows if r.room_id == room.pk]
    shared = [r for r in venue_rows if r.room_id is None]
    rows = own or shared
    return _hours_by_iso_weekday(rows) if rows else dict(ALWAYS_OPEN)


def season_dates(season: Season, weekday: int) -> list[date]:
    first = season.start + timedelta(days=(weekday - season.start.isoweekday()) % 7)
    days = []
    while first <= season.end:
        days.append(first)
        first += timedelta(days=7)
    return days


class HeldDates:
    """Confirmed bookings and closures of the season's rooms, to ask "is this date held?"."""

    def __init__(self, season: Season, rooms: list[Room]):
        self.tz = season.venue.tz
        lo = localize(datetime.combine(season.start - timedelta(days=1), time.min), self.tz)
        hi = localize(datetime.combine(season.end + timedelta(days=2), time.min), self.tz)
        self.buffers = {r.pk: r.buffer for r in rooms}
        self.rows: dict[tuple[int, date], list[tuple[datetime, datetime]]] = defaultdict(list)
        for room_id, start, block_end in Occurrence.objects.filter(
            room__in=rooms, status=Status.CONFIRMED, start__lt=hi, block_end__gt=lo
        ).values_list("room_id", "start", "block_end"):
            day = start.astimezone(self.tz).date()
            last = block_end.astimezone(self.tz).date()
            while day <= last:
                self.rows[(room_id, day)].append((start, block_end))
                day += timedelta(days=1)
        self.closures = list(
            Closure.objects.filter(venue=season.venue, start__lt=hi, end__gt=lo)
            .filter(Q(room__isnull=True) | Q(room__in=rooms))
            .values_list("room_id", "start", "end")
        )

    def held(self, room_id: int, day: date, start: time, end: time) -> bool:
        slot_start = localize(datetime.combine(day, start), self.tz)
        slot_end = localize(datetime.combine(day, end), self.tz)
        buffer = self.buffers.get(room_id, timedelta(0))
        for row_start, row_block_end in self.rows.get((room_id, day), ()):
            if slot_start < row_block_end and row_start < slot_end + buffer:
                return True
        return any(
            (c_room is None or c_room == room_id) and slot_start < c_end and c_start < slot_end
            for c_room, c_start, c_end in self.closures
        )

    def every_date_held(self, season: Season, room_id: int, weekday: int, start: time, end: time) -> bool:
        days = season_dates(season, weekday)
        return bool(days) and all(self.held(room_id, day, start, end) for day in days)


def build_problem(
    season: Season, *, time_limit_seconds: float = 50.0, with_unavailable: bool = True
) -> allocation.Problem:
    rooms = list(season.rooms.order_by("pk"))
    venue_rows = list(OpeningHours.objects.filter(venue_id=season.venue_id))
    solver_rooms = tuple(
        allocation.Room(
            id=r.pk,
            capacity=r.capacity,
            buffer_minutes=r.buffer_minutes,
            open_hours=room_open_hours(r, venue_rows),
            min_minutes=r.min_booking_minutes,
            max_minutes=r.max_booking_minutes,
        )
        for r in rooms
    )
    applications = list(season.applications.prefetch_related("wishes").order_by("pk"))
    held = HeldDates(season, rooms) if with_unavailable else None
    priorities = set(season.priority_audiences or ())
    solver_apps = []
    unavailable = set()
    for application in applications:
        wishes = sorted(application.wishes.all(), key=lambda w: w.position)
        slots = []
        for n, wish in enumerate(wishes, start=1):
            slots.append(
                allocation.Slot(wish.room_id, wish.weekday, _minutes(wish.start), _minutes(wish.end))
            )
            if held is not None and held.every_date_held(
                season, wish.room_id, wish.weekday, wish.start, wish.end
            ):
                unavailable.add((application.pk, n))
        solver_apps.append(
            allocation.Application(
                id=application.pk,
                association=application.association_id,
                group_size=application.group_size,
                wishes=tuple(slots),
                priority=1 if application.audience in priorities else 0,
            )
        )
    pins = []
    for pin in Pin.objects.filter(application__season=season).order_by("application_id"):
        if pin.kind == Pin.Kind.WISH:
            pins.append(allocation.Pin(application=pin.application_id, wish=pin.wish))
        elif pin.kind == Pin.Kind.REFUSE:
            pins.append(allocation.Pin(application=pin.application_id, refuse=True))
        else:
            slot = allocation.Slot(pin.room_id, pin.weekday, _minutes(pin.start), _minutes(pin.end))
            pins.append(allocation.Pin(application=pin.application_id, slot=slot))
    return allocation.Problem(
        rooms=solver_rooms,
        applications=tuple(solver_apps),
        unavailable=frozenset(unavailable),
        pins=tuple(pins),
        weekly_cap_minutes=season.weekly_cap_minutes,
        time_limit_seconds=time_limit_seconds,
    )
