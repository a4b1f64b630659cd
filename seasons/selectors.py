"""Reads about seasons: lists, a user's applications, the allocation grid and the report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import time

from django.db.models import Prefetch, QuerySet

from associations.models import Association
from associations.permissions import may_coordinate
from venues.models import OpeningHours, Room

from .models import Application, Season, Wish
from .problem import room_open_hours
from .wording import outcome_sentence

EVENING_STARTS = 16 * 60  # the report's "evening": from 16:00 to the room's closing


def seasons() -> QuerySet[Season]:
    return Season.objects.select_related("venue").prefetch_related(
        Prefetch("rooms", queryset=Room.objects.order_by("pk"))
    )


def season_rooms(season: Season) -> list[Room]:
    return list(season.rooms.order_by("name", "pk"))


def _applications(season: Season) -> QuerySet[Application]:
    return (
        Application.objects.filter(season=season)
        .select_related(
            "association",
            "outcome__room",
            "outcome__booking__room",
            "outcome__booking__association",
            "pin",
            "category",
        )
        .prefetch_related(
            Prefetch("wishes", queryset=Wish.objects.select_related("room").order_by("position"))
        )
        .order_by("pk")
    )


def applications_for(user, season: Season) -> QuerySet[Application]:
    """Coordinators see every application; others their own associations' ones."""
    apps = _applications(season)
    if may_coordinate(user, season.venue_id):
        return apps
    if not user.is_authenticated:
        return apps.none()
    return apps.filter(association__memberships__user=user).distinct()


def all_applications(season: Season) -> list[Application]:
    return list(_applications(season))


def outcome_texts(season: Season, applications, everyone=None) -> dict[int, str]:
    """A plain sentence per application about its outcome (a few queries for the blockers)."""
    everyone = {a.pk: a for a in (all_applications(season) if everyone is None else everyone)}
    texts = {}
    for application in applications:
        outcome = getattr(application, "outcome", None) if _has_outcome(application) else None
        texts[application.pk] = outcome_sentence(outcome, everyone.get(application.pk, application), everyone)
    return texts


def _has_outcome(application: Application) -> bool:
    try:
        application.outcome  # noqa: B018 - a reverse one-to-one raises when missing
    except Application.outcome.RelatedObjectDoesNotExist:
        return False
    return True


def outcome_of(application: Application):
    return application.outcome if _has_outcome(application) else None


# --- the grid -------------------------------------------------------------------------


@dataclass
class GridRoom:
    room: Room
    hours: list[int]  # the hours shown, e.g. 8..21
    weekdays: list[int]
    # (weekday, hour) -> granted applications covering that hour, and how many wished it
    granted: dict[tuple[int, int], list[Application]] = field(default_factory=dict)
    wished: dict[tuple[int, int], int] = field(default_factory=dict)

    def rows(self):
        for hour in self.hours:
            yield (
                hour,
                [
                    (weekday, self.granted.get((weekday, hour), []), self.wished.get((weekday, hour), 0))
                    for weekday in self.weekdays
                ],
            )


def _covers(start: time, end: time, hour: int) -> bool:
    minutes_start = start.hour * 60 + start.minute
    minutes_end = end.hour * 60 + end.minute
    return minutes_start < (hour + 1) * 60 and hour * 60 < minutes_end


def grid(season: Season, applications: list[Application]) -> list[GridRoom]:
    """Rooms × weekdays × hours: what the proposal grants, and how many wished each hour."""
    venue_rows = list(OpeningHours.objects.filter(venue_id=season.venue_id))
    result = []
    for room in season_rooms(season):
        hours = room_open_hours(room, venue_rows)
        spans = [s for day in hours.values() for s in day]
        first = min((o for o, _c in spans), default=8 * 60) // 60
        last = max((c for _o, c in spans), default=22 * 60)
        cell = GridRoom(room=room, hours=list(range(first, (last + 59) // 60)), weekdays=list(range(1, 8)))
        for application in applications:
            for wish in application.wishes.all():
                if wish.room_id != room.pk:
                    continue
                for hour in cell.hours:
                    if _covers(wish.start, wish.end, hour):
                        key = (wish.weekday, hour)
                        cell.wished[key] = cell.wished.get(key, 0) + 1
            outcome = outcome_of(application)
            if outcome is None or not outcome.granted or outcome.room_id != room.pk:
                continue
            for hour in cell.hours:
                if _covers(outcome.start, outcome.end, hour):
                    cell.granted.setdefault((outcome.weekday, hour), []).append(application)
        result.append(cell)
    return result


# --- the report -----------------------------------------------------------------------


@dataclass
class AssociationLine:
    association: Association
    applications: int = 0
    requested_hours: float = 0.0
    granted_hours: float = 0.0
    first_wishes: int = 0


@dataclass
class RoomLine:
    room: Room
    evening_hours: float  # open evening hours a week
    granted_hours: float  # of which granted

    @property
    def utilisation(self) -> float:
        return self.granted_hours / self.evening_hours if self.evening_hours else 0.0


@dataclass
class Report:
    associations: list[AssociationLine]
    rooms: list[RoomLine]
    applications: int
    granted: int
    first_wishes: int

    @property
    def first_wish_share(self) -> float:
        return self.first_wishes / self.applications if self.applications else 0.0


def _length_hours(start: time, end: time) -> float:
    return ((end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)) / 60


def _evening_overlap(start: int, end: int, spans) -> int:
    return sum(max(0, min(end, c) - max(start, o, EVENING_STARTS)) for o, c in spans)


def report(season: Season, applications: list[Application]) -> Report:
    """Requested vs granted weekly hours per association, first wishes, rooms' evenings.

    Requested is each application's first wish (what it asked for a week), granted what the
    proposal (or the publication) gives.
    """
    lines: dict[int, AssociationLine] = {}
    granted_minutes: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    total = granted = first = 0
    for application in applications:
        line = lines.setdefault(application.association_id, AssociationLine(application.association))
        line.applications += 1
        total += 1
        wishes = list(application.wishes.all())
        if wishes:
            line.requested_hours += _length_hours(wishes[0].start, wishes[0].end)
        outcome = outcome_of(application)
        if outcome is not None and outcome.granted:
            granted += 1
            line.granted_hours += _length_hours(outcome.start, outcome.end)
            if outcome.wish == 1:
                first += 1
                line.first_wishes += 1
            granted_minutes[(outcome.room_id, outcome.weekday)].append(
                (outcome.start.hour * 60 + outcome.start.minute, outcome.end.hour * 60 + outcome.end.minute)
            )
    venue_rows = list(OpeningHours.objects.filter(venue_id=season.venue_id))
    rooms = []
    for room in season_rooms(season):
        hours = room_open_hours(room, venue_rows)
        evening = sum(_evening_overlap(0, 24 * 60, spans) for spans in hours.values())
        used = sum(
            _evening_overlap(s, e, hours.get(weekday, ()))
            for (room_id, weekday), slots in granted_minutes.items()
            if room_id == room.pk
            for s, e in slots
        )
        rooms.append(RoomLine(room=room, evening_hours=evening / 60, granted_hours=used / 60))
    ordered = sorted(lines.values(), key=lambda line: line.association.name)
    return Report(associations=ordered, rooms=rooms, applications=total, granted=granted, first_wishes=first)


def report_rows(season: Season, data: Report) -> list[list[str]]:
    from django.utils.translation import gettext as _

    rows = [
        [
            _("association"),
            _("applications"),
            _("requested hours a week"),
            _("granted hours a week"),
            _("first wishes"),
        ]
    ]
    for line in data.associations:
        rows.append(
            [
                line.association.name,
                str(line.applications),
                f"{line.requested_hours:.1f}",
                f"{line.granted_hours:.1f}",
                str(line.first_wishes),
            ]
        )
    rows.append([])
    rows.append(
        [_("room"), _("open evening hours a week"), _("granted evening hours a week"), _("utilisation")]
    )
    for room_line in data.rooms:
        rows.append(
            [
                room_line.room.name,
                f"{room_line.evening_hours:.1f}",
                f"{room_line.granted_hours:.1f}",
                f"{room_line.utilisation:.0%}",
            ]
        )
    return rows  # tupa.csvsafe neutralises formulas when they are written
