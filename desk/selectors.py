"""Reads of the coordinator desk; each runs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Prefetch, Q, Sum
from django.utils import timezone

from associations.models import Association
from audit.models import AuditEntry
from booking.models import Booking, CoHost, Occurrence, Status
from booking.recurrence import localize
from venues.permissions import coordinated_q, coordinated_venue_ids

from .grouping import Span, conflict_sets, season_bounds
from .models import Proposal, WaitlistEntry


def _scope(user, venue_path: str) -> Q:
    return Q() if user is None else coordinated_q(user, venue_path)


# The inbox shows at most this many competing requests; more would not fit a desk anyway.
MAX_COMPETING = 300
STUCK_COHOST_DAYS = 7


@dataclass
class Competitor:
    occurrence: Occurrence
    season_hours: float
    waiting: timedelta
    over_capacity: bool


@dataclass
class ConflictSet:
    room: object
    start: datetime
    end: datetime
    competitors: list[Competitor]

    @property
    def key(self) -> str:
        return "-".join(str(c.occurrence.pk) for c in self.competitors)


def pending_bookings(*, user=None):
    """Bookings with a pending date, oldest request first (paginate the result).

    With a user, only those of the venues the user coordinates (as in every list below).
    """
    return (
        Booking.objects.filter(_scope(user, "room__venue"), occurrences__status=Status.PENDING)
        .select_related("association", "room__venue")
        .annotate(pending_dates=Count("occurrences", filter=Q(occurrences__status=Status.PENDING)))
        .annotate(first_pending=Min("occurrences__start", filter=Q(occurrences__status=Status.PENDING)))
        .order_by("created_at", "pk")
    )


def season_hours(pairs: set[tuple[int | None, int]], *, now: datetime) -> dict[tuple[int | None, int], float]:
    """Confirmed hours per (room id, association id) in the current season. One query."""
    if not pairs:
        return {}
    first, after = season_bounds(timezone.localdate(now))
    tz = timezone.get_default_timezone()
    lo = localize(datetime.combine(first, datetime.min.time()), tz)
    hi = localize(datetime.combine(after, datetime.min.time()), tz)
    rooms = {room for room, _ in pairs if room is not None}
    associations = {association for _, association in pairs}
    rows = (
        Occurrence.objects.filter(
            status=Status.CONFIRMED,
            room_id__in=rooms,
            booking__association_id__in=associations,
            start__gte=lo,
            start__lt=hi,
        )
        .values("room_id", "booking__association_id")
        .annotate(total=Sum(ExpressionWrapper(F("end") - F("start"), output_field=DurationField())))
    )
    return {
        (row["room_id"], row["booking__association_id"]): row["total"].total_seconds() / 3600
        for row in rows
        if row["total"] is not None
    }


def competing_requests(*, now: datetime | None = None, user=None) -> list[ConflictSet]:
    """Pending future dates of one room that overlap each other, grouped into sets. Two queries."""
    now = now or timezone.now()
    pending = list(
        Occurrence.objects.filter(
            _scope(user, "room__venue"), status=Status.PENDING, room__isnull=False, end__gt=now
        )
        .select_related("booking__association", "room__venue")
        .order_by("start")[:MAX_COMPETING]
    )
    sets = conflict_sets(pending, lambda o: Span(o.room_id, o.start, o.block_end))
    pairs = {(o.room_id, o.booking.association_id) for group in sets for o in group}
    hours = season_hours(pairs, now=now)
    result = []
    for group in sets:
        competitors = [
            Competitor(
                occurrence=o,
                season_hours=round(hours.get((o.room_id, o.booking.association_id), 0.0), 1),
                waiting=now - o.booking.created_at,
                over_capacity=bool(
                    o.booking.expected_attendance
                    and o.room is not None  # always: only dates in a room compete
                    and o.booking.expected_attendance > o.room.capacity
                ),
            )
            for o in sorted(group, key=lambda o: o.booking.created_at)
        ]
        result.append(
            ConflictSet(
                room=group[0].room,
                start=min(o.start for o in group),
                end=max(o.end for o in group),
                competitors=competitors,
            )
        )
    return result


def stuck_cohost_invitations(*, now: datetime | None = None, limit: int = 50, user=None):
    now = now or timezone.now()
    return list(
        CoHost.objects.filter(
            _scope(user, "booking__room__venue"),
            status=CoHost.Status.INVITED,
            invited_at__lt=now - timedelta(days=STUCK_COHOST_DAYS),
            booking__end__gt=now - timedelta(days=1),
        )
        .select_related("association", "booking__association", "booking__room__venue")
        .order_by("invited_at")[:limit]
    )


def pending_association_count() -> int:
    return Association.objects.filter(status=Association.Status.PENDING).count()


def open_proposals(*, limit: int = 50, user=None):
    return list(
        Proposal.objects.filter(_scope(user, "booking__room__venue"), status=Proposal.Status.PROPOSED)
        .select_related("booking__association", "room__venue")
        .order_by("created_at")[:limit]
    )


def booking_for_decision(pk: int) -> Booking:
    return (
        Booking.objects.select_related("association", "room__venue")
        .prefetch_related(
            Prefetch(
                "occurrences", queryset=Occurrence.objects.select_related("room__venue").order_by("start")
            )
        )
        .get(pk=pk)
    )


def audit_entries(*, action: str = "", association=None, date_from=None, date_to=None, user=None):
    """The audit trail, newest first, filtered; date_to includes that whole day (local time).

    With a user scoped to some venues: their venues' bookings, and the entries about no
    booking (associations, accounts), which belong to no municipality.
    """
    entries = AuditEntry.objects.select_related("actor", "association", "booking").order_by(
        "-created_at", "-pk"
    )
    if user is not None and coordinated_venue_ids(user) is not None:
        entries = entries.filter(Q(booking__isnull=True) | coordinated_q(user, "booking__room__venue"))
    tz = timezone.get_current_timezone()
    if action:
        entries = entries.filter(action=action)
    if association is not None:
        entries = entries.filter(association=association)
    if date_from:
        entries = entries.filter(
            created_at__gte=localize(datetime.combine(date_from, datetime.min.time()), tz)
        )
    if date_to:
        after = date_to + timedelta(days=1)
        entries = entries.filter(created_at__lt=localize(datetime.combine(after, datetime.min.time()), tz))
    return entries


def audit_actions() -> list[str]:
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())


def waitlist_of(user):
    return (
        WaitlistEntry.objects.filter(user=user)
        .select_related("room__venue", "association", "booking")
        .order_by("-created_at")
    )
