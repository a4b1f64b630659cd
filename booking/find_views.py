"""The "Find a free room" page: when, how long, how many, which needs → the rooms free then."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from venues.models import Venue

from .forms import FreeRoomSearchForm
from .free_rooms import free_rooms
from .recurrence import localize


def _book_link(room, data) -> str:
    query = {
        "room": room.pk,
        "date": data["local_start"].date().isoformat(),
        "start": data["local_start"].strftime("%H:%M"),
        "end": data["local_end"].strftime("%H:%M"),
    }
    if data.get("people"):
        query["expected_attendance"] = data["people"]
    return reverse("booking:new") + "?" + urlencode(query)


@require_safe
def find_room(request):
    # A GET form, so a search is a link one can share or come back to; nothing is written.
    searched = "date" in request.GET
    form = FreeRoomSearchForm(request.GET if searched else None, initial=_initial())
    results = None
    status = 200
    if searched:
        if form.is_valid():
            data = form.cleaned_data
            found = _search(data)
            results = [(room, _book_link(room, data)) for room in found]
        else:
            status = 400
    context = {"form": form, "results": results}
    return render(request, "booking/find_room.html", context, status=status)


def _search(data) -> list:
    # The times are wall-clock times at the venue: read them in each venue's own zone
    # (one search per zone; in practice every house is in Europe/Helsinki).
    zones: dict[str, list[int]] = defaultdict(list)
    for venue_id, zone in Venue.objects.values_list("id", "time_zone"):
        zones[zone].append(venue_id)
    found = []
    for zone, venue_ids in sorted(zones.items()):
        tz = ZoneInfo(zone)
        found += free_rooms(
            start=localize(data["local_start"], tz),
            end=localize(data["local_end"], tz),
            capacity=data.get("people"),
            step_free=data["step_free"],
            hearing_loop=data["hearing_loop"],
            venue_ids=venue_ids,
            bookable_now=True,
        )
    return sorted(found, key=lambda r: (r.venue.name, r.name))


def _initial() -> dict:
    now = timezone.localtime()
    return {"date": now.date(), "start": "18:00", "length": 120}
