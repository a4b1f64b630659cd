"""The figures the /stats/ page adds to the contract's: categories, audiences, participation,
cancellations, co-hosting pairs and the weekday x hour heat map.

Each is one grouped query over the period (per time zone for the heat map); the rows come
back grouped, so their number depends on categories, audiences, pairs and time slots, never
on the number of occurrences.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Case, Count, ExpressionWrapper, F, IntegerField, Q, Sum, Value, When
from django.db.models.lookups import LessThan

from associations.models import Association
from booking.models import Audience, Category, CoHost, Occurrence, Status

from . import hours as h
from .query import (
    Scope,
    any_scope,
    as_seconds,
    booked_seconds,
    clipped,
    clipped_start,
    events_count,
    in_period,
    overlap,
)
from .selectors import Usage

# A cancellation saved less than this before the start is "late". Read from the date's
# updated_at: the last change of a cancelled date is its cancellation.
LATE_CANCELLATION = timedelta(hours=48)


@dataclass
class Group:
    """Hours, events and participation of one category or audience."""

    key: str
    label: str
    secs: float = 0.0
    events: int = 0
    attendance: int = 0
    reported: int = 0  # events with attendance recorded
    capacity: int = 0  # summed room capacity of those events

    @property
    def booked_hours(self) -> float:
        return h.hours(self.secs)

    @property
    def average_attendance(self) -> float | None:
        return round(self.attendance / self.reported, 1) if self.reported else None

    @property
    def fill_rate(self) -> float | None:
        return round(self.attendance / self.capacity, 4) if self.capacity else None

    @property
    def unrecorded(self) -> int:
        return max(self.events - self.reported, 0)


@dataclass
class Activity:
    """One booking (a series or a one-off) and its recorded visits; `counts` in date order."""

    booking_id: int
    title: str
    association: str
    events: int = 0
    attendance: int = 0
    reported: int = 0
    capacity: int = 0
    counts: list[int] = field(default_factory=list)

    @property
    def average_attendance(self) -> float | None:
        return round(self.attendance / self.reported, 1) if self.reported else None

    @property
    def fill_rate(self) -> float | None:
        return round(self.attendance / self.capacity, 4) if self.capacity else None

    @property
    def unrecorded(self) -> int:
        return max(self.events - self.reported, 0)


# The season trend is drawn for the activities with the most recorded visits.
TREND_ACTIVITIES = 8


@dataclass
class Report:
    usage: Usage
    categories: list[Group] = field(default_factory=list)
    audiences: list[Group] = field(default_factory=list)
    total: Group | None = None
    cancelled: int = 0
    late_cancelled: int = 0
    unused: int = 0
    pairs: list[tuple[str, str, int]] = field(default_factory=list)
    joint: dict[int, int] = field(default_factory=dict)
    partners: dict[int, list[str]] = field(default_factory=dict)
    activities: list[Activity] = field(default_factory=list)
    joint_dates: int = 0  # dates with at least two hosts
    booked_cells: list[float] = field(default_factory=lambda: [0.0] * 168)
    open_cells: list[float] = field(default_factory=lambda: [0.0] * 168)


def _groups(usage: Usage, report: Report) -> None:
    scopes = usage.scopes
    grouped = (
        Occurrence.objects.filter(any_scope(scopes))
        .values("booking__category_id", "booking__audience")
        .order_by("booking__category_id", "booking__audience")
        .annotate(
            events=events_count(),
            booked=booked_seconds(scopes),
            people=Sum("attendance"),
            reported=Count("attendance"),
            capacity=_capacity_of_counted(),
        )
    )
    rows = list(grouped)
    names = {c.pk: c.name for c in Category.objects.filter(pk__in={r["booking__category_id"] for r in rows})}
    audiences = dict(Audience.choices)
    categories: dict[object, Group] = {}
    by_audience: dict[str, Group] = {}
    total = Group("", "")
    for row in rows:
        cat = row["booking__category_id"]
        aud = row["booking__audience"]
        for group in (
            categories.setdefault(cat, Group(str(cat or ""), names.get(cat, "—"))),
            by_audience.setdefault(aud, Group(aud, str(audiences.get(aud, aud)))),
            total,
        ):
            group.secs += as_seconds(row["booked"])
            group.events += row["events"]
            group.attendance += row["people"] or 0
            group.reported += row["reported"]
            group.capacity += row["capacity"] or 0
    report.categories = sorted(categories.values(), key=lambda g: (-g.secs, g.label))
    report.audiences = sorted(by_audience.values(), key=lambda g: (-g.secs, g.label))
    report.total = total


def _capacity_of_counted():
    return Sum(Case(When(attendance__isnull=False, then=F("room__capacity")), output_field=IntegerField()))


def _activities(usage: Usage, report: Report) -> None:
    """Participation per activity (booking), and the counts of the busiest ones date by date.

    Two grouped queries: the figures per booking, then the counted dates of the few shown as
    a trend (their number bounded by TREND_ACTIVITIES, not by the period).
    """
    scopes = usage.scopes
    rows = (
        Occurrence.objects.filter(any_scope(scopes))
        .values("booking_id", "booking__title", "booking__association__name")
        .order_by("booking_id")
        .annotate(
            events=events_count(),
            people=Sum("attendance"),
            reported=Count("attendance"),
            capacity=_capacity_of_counted(),
        )
    )
    activities = [
        Activity(
            booking_id=row["booking_id"],
            title=row["booking__title"],
            association=row["booking__association__name"],
            events=row["events"],
            attendance=row["people"] or 0,
            reported=row["reported"],
            capacity=row["capacity"] or 0,
        )
        for row in rows
    ]
    activities.sort(key=lambda a: (-a.attendance, -a.events, a.title, a.booking_id))
    trended = {a.booking_id: a for a in activities[:TREND_ACTIVITIES] if a.reported > 1}
    if trended:
        for booking_id, attendance in (
            Occurrence.objects.filter(
                any_scope(scopes), booking_id__in=list(trended), attendance__isnull=False
            )
            .order_by("booking_id", "start")
            .values_list("booking_id", "attendance")
        ):
            if attendance is not None:  # filtered so, but the column is nullable
                trended[booking_id].counts.append(attendance)
    report.activities = activities


def _cancellations(usage: Usage, report: Report) -> None:
    figures = Occurrence.objects.filter(in_period(usage.scopes)).aggregate(
        cancelled=events_count(filter=Q(status=Status.CANCELLED)),
        late=events_count(filter=Q(status=Status.CANCELLED, updated_at__gt=F("start") - LATE_CANCELLATION)),
        # "Booked but not used" is said of a room, so each room's row counts.
        unused=Count("id", filter=Q(status=Status.CONFIRMED, unused=True)),
    )
    report.cancelled = figures["cancelled"]
    report.late_cancelled = figures["late"]
    report.unused = figures["unused"]


def _cohosting(usage: Usage, report: Report) -> None:
    scopes = usage.scopes
    other_cohost = Q(booking__cohosts__status=CoHost.Status.ACCEPTED) & (
        Q(booking__cohosts__association_id__lt=F("booking__association_id"))
        | Q(booking__cohosts__association_id__gt=F("booking__association_id"))
    )
    joined = Occurrence.objects.filter(any_scope(scopes) & other_cohost)
    report.joint_dates = joined.aggregate(n=events_count())["n"]
    # Joint events as the host: distinct dates with at least one other accepted host.
    joint: dict[int, int] = defaultdict(int)
    for row in (
        joined.values("booking__association_id")
        .order_by("booking__association_id")
        .annotate(n=events_count())
    ):
        joint[row["booking__association_id"]] += row["n"]
    # As an accepted co-host every counted date is a joint one (the host is there too).
    for pk, entry in usage.associations.items():
        joint[pk] += int(entry["cohosted"])
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    for row in (
        joined.values("booking__association_id", "booking__cohosts__association_id")
        .order_by()
        .annotate(n=events_count())
    ):
        a, b = row["booking__association_id"], row["booking__cohosts__association_id"]
        pairs[(min(a, b), max(a, b))] += row["n"]
    # Two co-hosts of the same event are a pair too.
    prefix = "booking__occurrences__"
    for pair in (
        CoHost.objects.filter(status=CoHost.Status.ACCEPTED)
        .exclude(association_id=F("booking__association_id"))
        .filter(
            any_scope(scopes, prefix),
            Q(booking__cohosts__association_id__lt=F("booking__association_id"))
            | Q(booking__cohosts__association_id__gt=F("booking__association_id")),
            booking__cohosts__status=CoHost.Status.ACCEPTED,
            booking__cohosts__association_id__gt=F("association_id"),
        )
        .values("association_id", "booking__cohosts__association_id")
        .order_by()
        .annotate(n=events_count("booking__occurrences__"))
    ):
        a, b = pair["association_id"], pair["booking__cohosts__association_id"]
        pairs[(min(a, b), max(a, b))] += pair["n"]
    ids = {pk for pair in pairs for pk in pair}
    names = dict(Association.objects.filter(pk__in=ids).values_list("id", "name")) if ids else {}
    report.joint = dict(joint)
    partners: dict[int, list[str]] = defaultdict(list)
    for a, b in sorted(pairs):
        partners[a].append(names.get(b, ""))
        partners[b].append(names.get(a, ""))
    report.partners = {pk: sorted(v) for pk, v in partners.items()}
    report.pairs = sorted(
        ((names.get(a, ""), names.get(b, ""), n) for (a, b), n in pairs.items()),
        key=lambda p: (-p[2], p[0], p[1]),
    )


def _local_week_minute(scope: Scope):
    """Minutes since local Monday 00:00 of an occurrence's clipped start, in the database.

    The zone's offset comes from a CASE over its changes within the period (a handful of
    integers), so no per-row time-zone conversion runs; 1970-01-01 was a Thursday, hence
    the three days added to land on Monday.
    """
    start = clipped_start(scope.start)
    changes = h.utc_offsets(scope.start, scope.end, scope.tz)
    offset = Case(
        *[
            When(LessThan(start, Value(int(following.timestamp()))), then=Value(current))
            for (_, current), (following, _) in zip(changes, changes[1:], strict=False)
        ],
        default=Value(changes[-1][1]),
        output_field=IntegerField(),
    )
    return ExpressionWrapper(
        ((start + offset) / 60 + 3 * 24 * 60) % (7 * 24 * 60), output_field=IntegerField()
    )


def _heat_map(usage: Usage, report: Report) -> None:
    """Booked and open seconds per local weekday and hour, over the rooms listed."""
    for scope in usage.scopes:
        if not scope.room_ids:
            continue
        rows = (
            Occurrence.objects.filter(
                Q(status=Status.CONFIRMED, room_id__in=scope.room_ids) & overlap(scope.start, scope.end)
            )
            .annotate(minute=_local_week_minute(scope), span=clipped(scope.start, scope.end))
            .values("minute", "span")
            .order_by()
            .annotate(n=Count("id"))
        )
        for row in rows:
            for cell, secs in h.split_by_hour(row["minute"], float(row["span"]) * row["n"]):
                report.booked_cells[cell] += secs
    for room in usage.rooms:
        spans = [span for month in usage.open_spans[room.id].values() for span in month]
        for cell, secs in enumerate(h.by_week_hour(spans, room.venue.tz)):
            report.open_cells[cell] += secs


def build_report(usage: Usage) -> Report:
    report = Report(usage=usage)
    if usage.scopes:
        _groups(usage, report)
        _activities(usage, report)
        _cancellations(usage, report)
        _cohosting(usage, report)
        _heat_map(usage, report)
    return report
