"""The combined calendar: HTML views, the subscribable feed and one event's page and .ics."""

from __future__ import annotations

import hashlib
from calendar import timegm
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Max
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.http.request import split_domain_port
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from associations.models import Association
from venues.models import Room, Venue

from .cache import calendar_version
from .calendar_query import ID_FILTERS, default_tz, local_midnight, parse_filters
from .feeds import feed_event
from .ical import FeedDate, FeedEvent, render_calendar
from .jsonld import event_jsonld, script_json
from .models import Audience, Category, Occurrence
from .selectors import CalendarItem, calendar_item, calendar_items, series_occurrences

# A series is in the feed when one of its dates lies in this window around today.
FEED_PAST = timedelta(days=90)
FEED_FUTURE = timedelta(days=2 * 366)
FEED_CACHE_SECONDS = 24 * 3600
FINGERPRINT_KEY = "calendar:fingerprint"
FINGERPRINT_SECONDS = 10
VIEWS = ("list", "week", "month")
LIST_DAYS = 14


# ---------------------------------------------------------------- the feed


def _uid_domain(request) -> str:
    domain, _port = split_domain_port(request.get_host())
    return domain or "tupa"


def _filter_query(filters: dict) -> list[tuple[str, object]]:
    pairs: list[tuple[str, object]] = []
    for name, keyword in ID_FILTERS.items():
        pairs += [(name, value) for value in filters.get(keyword, [])]
    pairs += [("audience", value) for value in filters.get("audiences", [])]
    return pairs


def calendar_name(filters: dict) -> str:
    """ "Tupa – Sali" and the like: what a subscriber sees as the calendar's name."""
    names: list[str] = []
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


def _tables_fingerprint() -> str:
    """Changes with any saved, added or deleted date or booking.

    A safety net under bump_calendar_version(): where a write path forgets the bump, a feed
    is stale for FINGERPRINT_SECONDS at most. The aggregate reads every date (7 ms at three
    years of history on SQLite), so it is itself cached briefly instead of run per request.
    """
    fingerprint = cache.get(FINGERPRINT_KEY)
    if fingerprint is None:
        agg = Occurrence.objects.aggregate(
            occ=Max("updated_at"), n=Count("id"), booking=Max("booking__updated_at")
        )
        fingerprint = f"{agg['occ']}|{agg['n']}|{agg['booking']}"
        cache.set(FINGERPRINT_KEY, fingerprint, FINGERPRINT_SECONDS)
    return fingerprint


def _feed_events(request, items: list[CalendarItem]) -> tuple[list[FeedEvent], datetime | None]:
    firsts: dict[int, CalendarItem] = {}
    for item in items:
        firsts.setdefault(item.booking.id, item)
    series = series_occurrences(firsts)
    domain = _uid_domain(request)
    events: list[FeedEvent] = []
    last_modified = None
    for booking_id, item in firsts.items():
        event, changed = feed_event(
            item.booking,
            series.get(booking_id, []),
            hosts=item.hosts,
            place=item.place,
            tz=item.tz,
            domain=domain,
            absolute=request.build_absolute_uri,
        )
        events.append(event)
        last_modified = max(filter(None, [last_modified, changed]))
    return events, last_modified


def _render_feed(request, filters: dict) -> dict:
    now = timezone.now()
    # Anonymous on purpose: a feed is public and shared through the cache.
    items = calendar_items(start=now - FEED_PAST, end=now + FEED_FUTURE, user=None, **filters)
    events, last_modified = _feed_events(request, items)
    body = render_calendar(events, name=calendar_name(filters), default_tz=default_tz())
    return {
        "body": body,
        "etag": f'"{hashlib.sha256(body).hexdigest()[:32]}"',
        "last_modified": timegm(last_modified.utctimetuple()) if last_modified else None,
    }


def calendar_feed(request):
    filters, errors = parse_filters(request.GET)
    if errors:
        return HttpResponseBadRequest(
            " ".join(msg for msgs in errors.values() for msg in msgs),
            content_type="text/plain; charset=utf-8",
        )
    key_source = "|".join(
        [
            str(calendar_version()),
            _tables_fingerprint(),
            request.get_host(),
            request.scheme,
            get_language() or "",
            urlencode(_filter_query(filters)),
        ]
    )
    key = "calendar:feed:" + hashlib.sha256(key_source.encode()).hexdigest()
    feed = cache.get(key)
    if feed is None:
        feed = _render_feed(request, filters)
        cache.set(key, feed, FEED_CACHE_SECONDS)
    response = get_conditional_response(request, etag=feed["etag"], last_modified=feed["last_modified"])
    if response is None:
        response = HttpResponse(feed["body"], content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response["ETag"] = feed["etag"]
    if feed["last_modified"]:
        response["Last-Modified"] = http_date(feed["last_modified"])
    # Clients may keep a copy but must revalidate: the 304 costs us one cache read.
    response["Cache-Control"] = "public, no-cache"
    return response


# ---------------------------------------------------------------- one event


def _visible_item(request, occurrence_id: int) -> CalendarItem:
    item = calendar_item(occurrence_id, user=request.user)
    if item is None:
        # Private and pending dates do not exist for people outside the association.
        raise Http404
    return item


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
    }
    return render(request, "booking/event.html", context)


def event_ics(request, occurrence_id: int):
    item = _visible_item(request, occurrence_id)
    url = request.build_absolute_uri(reverse("calendar:event", args=[item.id]))
    hosts = ", ".join(a.name for a in item.hosts)
    event = FeedEvent(
        uid=f"occurrence-{item.id}@{_uid_domain(request)}",
        summary=item.title,
        tz=item.tz,
        dates=[FeedDate(item.recurrence_id, item.start, item.end, True, url)],
        sequence=item.booking.sequence,
        stamp=item.booking.updated_at,
        description="\n\n".join(
            filter(None, [item.booking.description, _("Hosts: %(hosts)s") % {"hosts": hosts}])
        ),
        location=item.place,
        url=url,
        categories=[str(item.category)] if item.category else [],
    )
    body = render_calendar([event], name=item.title, default_tz=default_tz())
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
    weeks = [list(days.items())[n : n + 7] for n in range(0, len(days), 7)] if view == "month" else []

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
        "nav_today": urlencode([("view", view), ("date", today.isoformat()), *query]),
        "nav_previous": urlencode([("view", view), ("date", previous.isoformat()), *query]),
        "nav_next": urlencode([("view", view), ("date", following.isoformat()), *query]),
        "filters": filters,
        "options": {
            "venue": Venue.objects.only("id", "name"),
            "room": Room.objects.select_related("venue").only("id", "name", "venue__name"),
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
