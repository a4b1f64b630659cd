"""The combined calendar: HTML views, the subscribable feed and one event's page and .ics."""

from __future__ import annotations

import hashlib
from calendar import timegm
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote, urlencode

from django.core.cache import cache
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from associations.models import Association
from venues.models import Municipality, Room, Venue

from .cache import calendar_version
from .calendar_query import ID_FILTERS, default_tz, local_midnight, parse_filters
from .feeds import feed_event
from .ical import FeedEvent, date_component, render_calendar
from .jsonld import event_jsonld, script_json
from .models import Audience, Booking, Category, Status
from .selectors import CalendarItem, calendar_item, calendar_items, series_occurrences

# A series is in the feed when one of its dates lies in this window around today.
FEED_PAST = timedelta(days=90)
FEED_FUTURE = timedelta(days=2 * 366)
FEED_CACHE_SECONDS = 24 * 3600
VIEWS = ("list", "week", "month")
LIST_DAYS = 14
# At most this many items in a day of the month grid, then "N more" to that day's list. Every
# item of every house made the unfiltered month 482 KB of HTML at 100 houses (docs/SCALING.md);
# six keep a busy day's cell readable and still show a typical day whole.
MONTH_DAY_ITEMS = 6


# ---------------------------------------------------------------- the feed


def _filter_query(filters: dict) -> list[tuple[str, object]]:
    pairs: list[tuple[str, object]] = []
    for name, keyword in ID_FILTERS.items():
        pairs += [(name, value) for value in filters.get(keyword, [])]
    pairs += [("audience", value) for value in filters.get("audiences", [])]
    return pairs


def calendar_name(filters: dict) -> str:
    """ "Tupa – Sali" and the like: what a subscriber sees as the calendar's name."""
    names: list[str] = []
    if filters.get("bookings"):
        names += Booking.objects.filter(pk__in=filters["bookings"], is_public=True).values_list(
            "title", flat=True
        )
    if filters.get("municipalities"):
        names += Municipality.objects.filter(pk__in=filters["municipalities"]).values_list("name", flat=True)
    if filters.get("venues"):
        names += Venue.objects.filter(pk__in=filters["venues"]).values_list("name", flat=True)
    if filters.get("rooms"):
        names += Room.objects.filter(pk__in=filters["rooms"]).values_list("name", flat=True)
    if filters.get("associations"):
        names += Association.objects.filter(pk__in=filters["associations"]).values_list("name", flat=True)
    if filters.get("categories"):
        names += [str(c) for c in Category.objects.filter(pk__in=filters["categories"])]
    names += [str(Audience(value).label) for value in filters.get("audiences", [])]
    return " – ".join(["Tupa", ", ".join(names)]) if names else "Tupa"


def _feed_events(request, items: list[CalendarItem]) -> list[FeedEvent]:
    firsts: dict[int, CalendarItem] = {}
    for item in items:
        firsts.setdefault(item.booking.id, item)
    series = series_occurrences(firsts)
    events: list[FeedEvent] = []
    for booking_id, item in firsts.items():
        event, _changed = feed_event(
            item.booking,
            series.get(booking_id, []),
            hosts=item.hosts,
            place=item.place,
            tz=item.tz,
            absolute=request.build_absolute_uri,
        )
        events.append(event)
    return events


def _render_feed(request, filters: dict, today: date) -> dict:
    # The window is anchored on the local day, not the instant: two servers rendering the
    # same version on the same day write the same bytes, hence the same ETag.
    midnight = local_midnight(today)
    # Anonymous on purpose: a feed is public and shared through the cache.
    items = calendar_items(start=midnight - FEED_PAST, end=midnight + FEED_FUTURE, user=None, **filters)
    body = render_calendar(
        _feed_events(request, items), name=calendar_name(filters), default_tz=default_tz(), today=today
    )
    return {"body": body, "etag": f'"{hashlib.sha256(body).hexdigest()[:32]}"'}


def calendar_feed(request):
    filters, errors = parse_filters(request.GET)
    if errors:
        return HttpResponseBadRequest(
            " ".join(msg for msgs in errors.values() for msg in msgs),
            content_type="text/plain; charset=utf-8",
        )
    # Read before the data: a render cached under this version holds at least its changes.
    version = calendar_version()
    today = timezone.now().astimezone(default_tz()).date()
    key_source = "|".join(
        [
            str(version.number),
            today.isoformat(),
            request.get_host(),
            request.scheme,
            get_language() or "",
            urlencode(_filter_query(filters)),
        ]
    )
    key = "calendar:feed:" + hashlib.sha256(key_source.encode()).hexdigest()
    feed = cache.get(key)
    if feed is None:
        feed = _render_feed(request, filters, today)
        if version.cacheable:
            cache.set(key, feed, FEED_CACHE_SECONDS)
    # Last-Modified: the last logged change (strictly rising per committed write, deletions
    # and cancellations included), or the start of today when the window moved since.
    # None while another transaction is in flight: then only the ETag is offered.
    last_modified = None
    if version.last_modified is not None:
        last_modified = max(version.last_modified, timegm(local_midnight(today).utctimetuple()))
    response = get_conditional_response(request, etag=feed["etag"], last_modified=last_modified)
    if response is None:
        response = HttpResponse(feed["body"], content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response["ETag"] = feed["etag"]
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    # Clients may keep a copy but must revalidate: the 304 costs one indexed query.
    response["Cache-Control"] = "public, no-cache"
    return response


def feed_links(request, query: list[tuple[str, object]]) -> dict[str, str]:
    """webcal:// (opens the calendar app) and https:// (to paste) addresses of a filtered feed."""
    https = request.build_absolute_uri(reverse("calendar:feed")) + ("?" + urlencode(query) if query else "")
    return {"webcal": "webcal://" + https.split("://", 1)[1], "https": https}


# ---------------------------------------------------------------- one event


def _visible_item(request, occurrence_id: int) -> CalendarItem:
    item = calendar_item(occurrence_id, user=request.user)
    if item is None:
        # Private and pending dates do not exist for people outside the association.
        raise Http404
    return item


def _template_links(item: CalendarItem, share_url: str) -> dict[str, str]:
    """Add one date to Google or Outlook calendar: their documented template links."""
    details = "\n\n".join(
        filter(
            None,
            [
                item.booking.description,
                _("Join online: %(url)s") % {"url": item.booking.remote_url}
                if item.booking.remote_url
                else "",
                share_url,
            ],
        )
    )
    start, end = item.start.astimezone(UTC), item.end.astimezone(UTC)
    google = {
        "action": "TEMPLATE",
        "text": item.title,
        "dates": f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}",
        "details": details,
        "location": item.place,
    }
    outlook = {
        "subject": item.title,
        "startdt": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "enddt": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body": details,
        "location": item.place,
    }
    return {
        "google": "https://calendar.google.com/calendar/render?" + urlencode(google, quote_via=quote),
        "outlook": "https://outlook.live.com/calendar/0/deeplink/compose?"
        + urlencode(outlook, quote_via=quote),
    }


def event_detail(request, occurrence_id: int):
    item = _visible_item(request, occurrence_id)
    share_url = request.build_absolute_uri(reverse("calendar:event", args=[item.id]))
    context = {
        "item": item,
        "booking": item.booking,
        "share_url": share_url,
        "jsonld": mark_safe(
            script_json(event_jsonld(item, url=share_url, absolute=request.build_absolute_uri))
        ),
        "ics_url": reverse("calendar:event-ics", args=[item.id]),
        "add_to": _template_links(item, share_url),
        # A private event has no public feed to subscribe to.
        "series_feed": feed_links(request, [("booking", item.booking.id)]) if item.is_public else None,
        "host_feed": feed_links(request, [("association", item.booking.association_id)]),
    }
    return render(request, "booking/event.html", context)


def event_ics(request, occurrence_id: int):
    """One date as .ics: the series' UID with this date's RECURRENCE-ID, as in the feed."""
    item = _visible_item(request, occurrence_id)
    rows = series_occurrences([item.booking.id]).get(item.booking.id, [])
    event, _changed = feed_event(
        item.booking,
        rows,
        hosts=item.hosts,
        place=item.place,
        tz=item.tz,
        absolute=request.build_absolute_uri,
    )
    if item.status != Status.CONFIRMED:
        # A pending date (shown to its own association) is not in the feed: mark it so here.
        event.dates = [
            replace(d, confirmed=True) if d.recurrence_id == item.recurrence_id else d for d in event.dates
        ]
    component = date_component(event, item.recurrence_id)
    components = [component] if component is not None else []
    body = render_calendar(
        [], name=item.title, default_tz=item.tz, today=item.local_start.date(), components=components
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{item.id}.ics"'
    return response


# ---------------------------------------------------------------- the calendar page


def _period(view: str, day: date) -> tuple[date, date, date, date]:
    """First and last (exclusive) day shown, and the days "previous" and "next" lead to."""
    if view == "week":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=7), first - timedelta(days=7), first + timedelta(days=7)
    if view == "month":
        month_first = day.replace(day=1)
        next_month = (month_first + timedelta(days=32)).replace(day=1)
        prev_month = (month_first - timedelta(days=1)).replace(day=1)
        grid_first = month_first - timedelta(days=month_first.weekday())
        grid_last = next_month + timedelta(days=(7 - next_month.weekday()) % 7)
        return grid_first, grid_last, prev_month, next_month
    return (
        day,
        day + timedelta(days=LIST_DAYS),
        day - timedelta(days=LIST_DAYS),
        day + timedelta(days=LIST_DAYS),
    )


def _by_day(items: list[CalendarItem], first: date, last: date) -> dict[date, list[CalendarItem]]:
    days: dict[date, list[CalendarItem]] = {first + timedelta(days=n): [] for n in range((last - first).days)}
    for item in items:
        # An event spanning midnight shows on every local day it touches.
        day = max(item.local_start.date(), first)
        last_day = (item.local_end - timedelta(microseconds=1)).date()
        while day <= last_day and day in days:
            days[day].append(item)
            day += timedelta(days=1)
    return days


def _month_weeks(days: dict[date, list[CalendarItem]]) -> list[list[tuple[date, list[CalendarItem], int]]]:
    """The month grid's rows of seven (day, items shown, how many more) cells."""
    cells = [
        (day, items[:MONTH_DAY_ITEMS], max(0, len(items) - MONTH_DAY_ITEMS)) for day, items in days.items()
    ]
    return [cells[n : n + 7] for n in range(0, len(cells), 7)]


def _in_municipalities(qs, filters: dict, field: str):
    # The house and room choices follow the chosen municipality, so a long list stays short.
    if filters.get("municipalities"):
        return qs.filter(**{f"{field}__in": filters["municipalities"]})
    return qs


def _room_choices(filters: dict):
    # With a house chosen, its rooms (and any room chosen as well); else the municipality's.
    rooms = Room.objects.select_related("venue").only("id", "name", "venue__name")
    if filters.get("venues"):
        return rooms.filter(Q(venue_id__in=filters["venues"]) | Q(pk__in=filters.get("rooms") or []))
    return _in_municipalities(rooms, filters, "venue__municipality_id")


def calendar_page(request):
    messages: list[str] = []
    filters, errors = parse_filters(request.GET)
    for field, msgs in errors.items():
        messages += [f"{field}: {msg}" for msg in msgs]
    view = request.GET.get("view", "list")
    if view not in VIEWS:
        messages.append(_("Unknown view; showing the list."))
        view = "list"
    today = timezone.now().astimezone(default_tz()).date()
    day = today
    if request.GET.get("date"):
        try:
            day = date.fromisoformat(request.GET["date"].strip())
            if not 1900 <= day.year <= 9000:
                raise ValueError
        except ValueError:
            messages.append(_("The date must look like 2026-05-31; showing today."))
            day = today
    first, last, previous, following = _period(view, day)
    items = calendar_items(
        start=local_midnight(first), end=local_midnight(last), user=request.user, **filters
    )
    days = _by_day(items, first, last)
    weeks = _month_weeks(days) if view == "month" else []

    query = _filter_query(filters)
    feed_path = reverse("calendar:feed")
    feed_query = ("?" + urlencode(query)) if query else ""
    host = request.get_host()
    context = {
        "view": view,
        "views": [
            (v, label, urlencode([("view", v), ("date", day.isoformat()), *query]))
            for v, label in (("list", _("List")), ("week", _("Week")), ("month", _("Month")))
        ],
        "day": day,
        "today": today,
        "first": first,
        "last": last - timedelta(days=1),
        "days": [(d, its) for d, its in days.items() if its] if view == "list" else list(days.items()),
        "weeks": weeks,
        "month_first": day.replace(day=1),
        "filter_query": urlencode(query),
        # The noticeboard sheet takes the municipality only (reach/views.py).
        "print_query": urlencode([("municipality", m) for m in filters.get("municipalities", [])]),
        "nav_today": urlencode([("view", view), ("date", today.isoformat()), *query]),
        "nav_previous": urlencode([("view", view), ("date", previous.isoformat()), *query]),
        "nav_next": urlencode([("view", view), ("date", following.isoformat()), *query]),
        "filters": filters,
        "options": {
            "municipality": list(Municipality.objects.with_venues().only("id", "name")),
            "venue": _in_municipalities(Venue.objects.only("id", "name"), filters, "municipality_id"),
            "room": _room_choices(filters),
            "association": Association.objects.filter(status=Association.Status.APPROVED).only("id", "name"),
            "category": list(Category.objects.all()),
            "audience": Audience.choices,
        },
        "selected": {name: [str(v) for v in filters.get(kw, [])] for name, kw in ID_FILTERS.items()}
        | {"audience": filters.get("audiences", [])},
        "has_filters": bool(query),
        "subscribe_all_webcal": f"webcal://{host}{feed_path}",
        "subscribe_all_https": request.build_absolute_uri(feed_path),
        "subscribe_webcal": f"webcal://{host}{feed_path}{feed_query}",
        "subscribe_https": request.build_absolute_uri(feed_path) + feed_query,
        "messages_list": messages,
        "weekday_names": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
        "now": datetime.now(UTC),
    }
    return render(request, "booking/calendar/calendar.html", context, status=400 if messages else 200)
