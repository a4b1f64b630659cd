from datetime import datetime, time, timedelta

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .models import Closure, Municipality, OpeningHours, Room, Venue, Weekday
from .query import parse_ids


def _weekly_hours(rows) -> list[tuple[str, list[OpeningHours]]]:
    """Group opening-hours rows by weekday, Monday first; a day without rows is closed."""
    days: dict[int, list[OpeningHours]] = {}
    for row in rows:
        days.setdefault(row.weekday, []).append(row)
    return [(label, days.get(value, [])) for value, label in Weekday.choices]


def _upcoming_closures(venue: Venue, room: Room | None = None):
    closures = Closure.objects.filter(venue=venue, end__gt=timezone.now()).select_related("room")
    if room is None:
        return closures
    return closures.filter(Q(room__isnull=True) | Q(room=room))


def venue_list(request):
    venues = Venue.objects.select_related("municipality").prefetch_related(
        Prefetch("rooms", queryset=Room.objects.filter(is_active=True))
    )
    chosen, error = parse_ids(request.GET, "municipality")
    if chosen:
        venues = venues.filter(municipality_id__in=chosen)
    municipalities = list(Municipality.objects.with_venues().only("id", "name"))
    context = {
        "venues": venues,
        # The choice, and each house's municipality, only where there is more than one.
        "municipalities": municipalities if len(municipalities) > 1 else [],
        "chosen": [str(pk) for pk in chosen],
        "error": error,
    }
    return render(request, "venues/venue_list.html", context, status=400 if error else 200)


def venue_detail(request, slug: str):
    venue = get_object_or_404(Venue, slug=slug)
    hours = OpeningHours.objects.filter(venue=venue, room__isnull=True)
    context = {
        "venue": venue,
        "week": _weekly_hours(hours),
        "closures": _upcoming_closures(venue),
        "rooms": venue.rooms.filter(is_active=True),
    }
    return render(request, "venues/venue_detail.html", context)


def _coming_week(room: Room) -> list[tuple]:
    """The next seven days of the room, each with its confirmed times; private ones unnamed."""
    from booking.models import Occurrence, Status  # booking builds on venues, not the reverse

    tz = room.venue.tz
    today = timezone.localtime(timezone.now(), tz).date()
    days = [today + timedelta(days=i) for i in range(7)]
    start = datetime.combine(days[0], time()).replace(tzinfo=tz)
    end = datetime.combine(days[-1] + timedelta(days=1), time()).replace(tzinfo=tz)
    taken: dict = {day: [] for day in days}
    rows = (
        Occurrence.objects.filter(room=room, status=Status.CONFIRMED, start__lt=end, end__gt=start)
        .select_related("booking")
        .order_by("start")
    )
    for o in rows:
        local = o.start.astimezone(tz)
        if local.date() in taken:
            title = o.booking.title if o.booking.is_public else None
            taken[local.date()].append((local, o.end.astimezone(tz), title))
    return list(taken.items())


def room_detail(request, venue_slug: str, room_slug: str):
    room = get_object_or_404(Room.objects.select_related("venue"), venue__slug=venue_slug, slug=room_slug)
    # A room's own opening hours, when it has any, replace the venue's (see OpeningHours).
    hours = list(OpeningHours.objects.filter(room=room))
    own_hours = bool(hours)
    if not own_hours:
        hours = OpeningHours.objects.filter(venue=room.venue, room__isnull=True)
    context = {
        "venue": room.venue,
        "room": room,
        "week": _weekly_hours(hours),
        "own_hours": own_hours,
        "closures": _upcoming_closures(room.venue, room),
        "coming_week": _coming_week(room) if room.is_active else [],
    }
    return render(request, "venues/room_detail.html", context)
