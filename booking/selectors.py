"""Reads for the calendar: one selector behind the HTML calendar, the feeds and the open-data API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from associations.models import Association, Membership
from associations.permissions import may_coordinate
from venues.models import Room, Venue

from .models import MAX_DATE_LENGTH, Booking, Category, CoHost, Occurrence, Status
from .permissions import roles_of
from .room_week import Entry


@dataclass
class CalendarItem:
    """One date of an event, merged over the rooms it uses at once."""

    id: int  # the first occurrence row's id: the event page and the API name the date by it
    booking: Booking
    start: datetime  # aware, UTC
    end: datetime
    recurrence_id: datetime
    status: str
    venue: Venue | None
    rooms: list[Room] = field(default_factory=list)
    hosts: list[Association] = field(default_factory=list)  # host first, then accepted co-hosts
    occurrence_ids: list[int] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.booking.title

    @property
    def category(self) -> Category | None:
        return self.booking.category

    @property
    def audience(self) -> str:
        return self.booking.audience

    @property
    def is_public(self) -> bool:
        return self.booking.is_public

    @property
    def tz(self) -> ZoneInfo:
        return self.venue.tz if self.venue else ZoneInfo(settings.TIME_ZONE)

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.tz)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(self.tz)

    @property
    def place(self) -> str:
        if self.rooms:
            names = " + ".join(room.name for room in self.rooms)
            return f"{self.venue.name}, {names}" if self.venue else names
        return self.booking.location

    @property
    def updated_at(self) -> datetime:
        return self.booking.updated_at


def _ids(values: Iterable) -> list:
    return list(values) if values else []


def visible_occurrences(user=None) -> QuerySet[Occurrence]:
    """Occurrence rows `user` may see on a calendar.

    Everyone sees confirmed dates of public bookings. A signed-in user also sees the private
    and pending dates of the associations they belong to, as host or as accepted co-host.
    Declined and cancelled dates are never calendar items.
    """
    visible = Q(status=Status.CONFIRMED, booking__is_public=True)
    if user is not None and user.is_authenticated:
        own = Membership.objects.filter(user=user).values("association_id")
        cohosted = CoHost.objects.filter(association_id__in=own, status=CoHost.Status.ACCEPTED).values(
            "booking_id"
        )
        visible |= Q(status__in=[Status.CONFIRMED, Status.PENDING]) & (
            Q(booking__association_id__in=own) | Q(booking_id__in=cohosted)
        )
    return Occurrence.objects.filter(visible)


def _filtered(
    qs: QuerySet[Occurrence],
    *,
    municipalities=(),
    venues=(),
    rooms=(),
    associations=(),
    categories=(),
    audiences=(),
    bookings=(),
) -> QuerySet[Occurrence]:
    if bookings:
        qs = qs.filter(booking_id__in=_ids(bookings))
    if municipalities:
        # Like a venue filter: a date held off-site belongs to no municipality.
        qs = qs.filter(room__venue__municipality_id__in=_ids(municipalities))
    if venues:
        # Off-site dates have no room, hence no venue: a venue filter leaves them out.
        qs = qs.filter(room__venue_id__in=_ids(venues))
    if rooms:
        # Every row of a date whose rooms include one asked for: the item then lists all its rooms.
        qs = qs.filter(
            Exists(
                Occurrence.objects.filter(
                    booking_id=OuterRef("booking_id"),
                    recurrence_id=OuterRef("recurrence_id"),
                    room_id__in=_ids(rooms),
                )
            )
        )
    if associations:
        cohosted = CoHost.objects.filter(
            association_id__in=_ids(associations), status=CoHost.Status.ACCEPTED
        ).values("booking_id")
        qs = qs.filter(Q(booking__association_id__in=_ids(associations)) | Q(booking_id__in=cohosted))
    if categories:
        qs = qs.filter(booking__category_id__in=_ids(categories))
    if audiences:
        qs = qs.filter(booking__audience__in=_ids(audiences))
    return qs


def _items(occurrences: Iterable[Occurrence]) -> list[CalendarItem]:
    """Merge the rows of one date (one per room) and attach hosts: one query for co-hosts."""
    items: dict[tuple, CalendarItem] = {}
    for occ in occurrences:
        key = (occ.booking_id, occ.recurrence_id, occ.start, occ.end, occ.status)
        item = items.get(key)
        if item is None:
            room = occ.room or occ.booking.room
            item = items[key] = CalendarItem(
                id=occ.id,
                booking=occ.booking,
                start=occ.start,
                end=occ.end,
                recurrence_id=occ.recurrence_id,
                status=occ.status,
                venue=room.venue if room else None,
            )
        item.occurrence_ids.append(occ.id)
        if occ.room is not None and occ.room not in item.rooms:
            item.rooms.append(occ.room)
    booking_ids = {item.booking.id for item in items.values()}
    cohosts: dict[int, list[Association]] = {}
    if booking_ids:
        for cohost in (
            CoHost.objects.filter(booking_id__in=booking_ids, status=CoHost.Status.ACCEPTED)
            .select_related("association")
            .order_by("invited_at", "id")
        ):
            cohosts.setdefault(cohost.booking_id, []).append(cohost.association)
    for item in items.values():
        item.id = min(item.occurrence_ids)
        extra = [a for a in cohosts.get(item.booking.id, []) if a.id != item.booking.association_id]
        item.hosts = [item.booking.association, *extra]
    return sorted(items.values(), key=lambda i: (i.start, i.id))


def _with_relations(qs: QuerySet[Occurrence]) -> QuerySet[Occurrence]:
    return qs.select_related(
        "booking__association",
        "booking__category",
        "booking__room__venue",
        "room__venue",
    ).order_by("start", "id")


def calendar_items(
    *,
    start: datetime,
    end: datetime,
    user=None,
    municipalities: Iterable[int] = (),
    venues: Iterable[int] = (),
    rooms: Iterable[int] = (),
    associations: Iterable[int] = (),
    categories: Iterable[int] = (),
    audiences: Iterable[str] = (),
    bookings: Iterable[int] = (),
) -> list[CalendarItem]:
    """Calendar items overlapping [start, end) that `user` may see, in start order.

    Two queries whatever the number of events: the dates with their booking, rooms, venue,
    host and category, then the accepted co-hosts of those bookings.
    """
    filters = {
        "municipalities": municipalities,
        "venues": venues,
        "rooms": rooms,
        "associations": associations,
        "categories": categories,
        "audiences": audiences,
        "bookings": bookings,
    }
    return _items(_with_relations(_window(start, end, user, **filters)))


def _window(start: datetime, end: datetime, user, **filters) -> QuerySet[Occurrence]:
    """Visible rows overlapping [start, end), filtered."""
    # The lower bound on start lets the database range-scan its start index instead of
    # reading every date before `end` (years of history); no date lasts longer than that.
    qs = visible_occurrences(user).filter(start__lt=end, end__gt=start, start__gt=start - MAX_DATE_LENGTH)
    return _filtered(qs, **filters)


class CalendarItemPages:
    """The items of calendar_items(...), counted and sliced by the database: for a paginator.

    An item is one (booking, date, start, end, status) group of rows, named by its smallest
    row id, in (start, id) order, exactly as calendar_items merges and sorts them; but only the
    requested slice is built, so a page costs the same however many items the window holds.
    Django's Paginator calls count() and then takes one slice.
    """

    KEY = ("booking_id", "recurrence_id", "start", "end", "status")

    def __init__(self, occurrences: QuerySet[Occurrence]):
        self._occurrences = occurrences
        self._groups = (
            occurrences.values(*self.KEY).annotate(first_id=Min("id")).order_by("start", "first_id")
        )

    def count(self) -> int:
        return self._groups.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[CalendarItem]:
        if not isinstance(index, slice):
            raise TypeError("CalendarItemPages only slices")
        # One query: the rows that share their group's key with a first row of the page.
        first_rows = self._groups.values("first_id")[index]
        same_group = Occurrence.objects.filter(
            pk__in=first_rows, **{name: OuterRef(name) for name in self.KEY}
        )
        return _items(_with_relations(self._occurrences.filter(Exists(same_group))))


def calendar_item_pages(*, start: datetime, end: datetime, user=None, **filters) -> CalendarItemPages:
    """calendar_items(...) for a paginator: the same items (same filters), counted and sliced in SQL."""
    return CalendarItemPages(_window(start, end, user, **filters))


def calendar_item(occurrence_id: int, *, user=None) -> CalendarItem | None:
    """The date an event page shows, or None when `user` may not see it."""
    anchor = visible_occurrences(user).filter(pk=occurrence_id).values("booking_id", "recurrence_id", "start")
    rows = _with_relations(
        visible_occurrences(user).filter(
            booking_id__in=anchor.values("booking_id"),
            recurrence_id__in=anchor.values("recurrence_id"),
            start__in=anchor.values("start"),
        )
    )
    for item in _items(rows):
        if occurrence_id in item.occurrence_ids:
            return item
    return None


def series_occurrences(booking_ids: Iterable[int]) -> dict[int, list[Occurrence]]:
    """Every date of these bookings, any status: the feed writes cancelled ones as EXDATE."""
    by_booking: dict[int, list[Occurrence]] = {}
    ids = list(booking_ids)
    if not ids:
        return by_booking
    for occ in (
        Occurrence.objects.filter(booking_id__in=ids)
        .order_by("recurrence_id", "id")
        .only("id", "booking_id", "room_id", "start", "end", "recurrence_id", "status", "updated_at")
    ):
        by_booking.setdefault(occ.booking_id, []).append(occ)
    return by_booking


# How far back the attendance list and the reminder reach: a leader records the count the
# same evening or at the next meeting; older dates are on the booking's own page.
ATTENDANCE_WEEKS = 4


def attendance_dates(user, *, now: datetime, weeks: int = ATTENDANCE_WEEKS) -> QuerySet[Occurrence]:
    """Begun confirmed dates of the last weeks hosted by the user's associations (or accepted
    co-hosted), one row per date: the booking's own room's row, the one that holds the count."""
    mine = Membership.objects.filter(user=user).exclude(association__status=Association.Status.REMOVED)
    accepted = CoHost.objects.filter(
        booking=OuterRef("booking"),
        status=CoHost.Status.ACCEPTED,
        association__in=mine.values("association"),
    )
    return (
        Occurrence.objects.filter(
            status=Status.CONFIRMED, start__lte=now, start__gte=now - timedelta(weeks=weeks)
        )
        .filter(Q(room_id=F("booking__room_id")) | Q(booking__room__isnull=True))
        .filter(Q(booking__association__in=mine.values("association")) | Exists(accepted))
        .select_related("booking__association", "room__venue")
        .order_by("-start", "pk")
    )


def attendance_missing(user, *, now: datetime) -> int:
    """How many of those dates still have no count: the My page reminder. One query."""
    return attendance_dates(user, now=now).filter(attendance__isnull=True).count()


def room_week_entries(*, room: Room, user, start: datetime, end: datetime) -> list[Entry]:
    """What the room's week grid shows the user between start and end. Two queries.

    The user's own association's dates (as host or accepted co-host; every date for a
    coordinator) with their titles and links, pending ones too; other public dates with
    their titles; other private dates as "Reserved". Another association's pending request
    does not hold the room yet, so it is not shown.
    """
    mine = set(roles_of(user))
    see_all = may_coordinate(user, room.venue_id)
    rows = list(
        Occurrence.objects.filter(
            room=room, status__in=(Status.CONFIRMED, Status.PENDING), start__lt=end, end__gt=start
        )
        .select_related("booking")
        .order_by("start")
    )
    cohosted = set(
        CoHost.objects.filter(
            booking_id__in={o.booking_id for o in rows},
            association_id__in=mine,
            status=CoHost.Status.ACCEPTED,
        ).values_list("booking_id", flat=True)
    )
    entries = []
    for o in rows:
        own = see_all or o.booking.association_id in mine or o.booking_id in cohosted
        if o.status == Status.PENDING and not own:
            continue
        if own:
            entry = Entry(
                o.start,
                o.end,
                o.booking.title,
                "own",
                o.status == Status.PENDING,
                o.booking.get_absolute_url(),
            )
        elif o.booking.is_public:
            entry = Entry(o.start, o.end, o.booking.title, "public")
        else:
            entry = Entry(o.start, o.end, _("Reserved"), "reserved")
        entries.append(entry)
    return entries
