"""/api/linkedevents/v1/: our public events as a Linked Events API that municipal calendars read.

Plain JSON views: the shapes are linkedevents', not our API's (see reach/linkedevents.py).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from venues.query import parse_ids

from . import linkedevents as le
from . import selectors

PAGE_SIZE = 20  # linkedevents' default
MAX_PAGE_SIZE = 100  # and its maximum


def _json(data, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Public open data, read by calendar widgets on the municipality's own site too (as
    # linkedevents allows): no cookies are read here, so any origin may fetch it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _urls(request: HttpRequest):
    names = {"event": "linkedevents:event", "place": "linkedevents:place", "keyword": "linkedevents:keyword"}

    def url(kind: str, pk: str) -> str:
        if kind == "image":
            return request.build_absolute_uri(reverse("linkedevents:image", args=[int(pk)]))
        return request.build_absolute_uri(reverse(names[kind], args=[pk]))

    def page_url(occurrence_id: int) -> str:
        return request.build_absolute_uri(reverse("calendar:event", args=[occurrence_id]))

    return url, page_url


def _day(value: str | None, name: str, errors: dict):
    if value in (None, ""):
        return None
    if value == "today":
        return timezone.localdate()
    try:
        day = date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    # Far-off years would overflow the arithmetic below and mean nothing to a calendar.
    if day is None or not 1900 <= day.year <= 2200:
        day = None
        errors[name] = [_("Give a date as YYYY-MM-DD.")]
    return day


def _int(value: str | None, default: int) -> int | None:
    if value in (None, ""):
        return default
    return int(value) if value.isascii() and value.isdigit() and int(value) > 0 else None


@require_safe
def event_list(request: HttpRequest) -> JsonResponse:
    """Events overlapping the local days start..end (both included); start defaults to today."""
    errors: dict = {}
    first = _day(request.GET.get("start"), "start", errors)
    last = _day(request.GET.get("end"), "end", errors)
    # ?municipality=ID, repeatable, as on the calendar, the feed and /api/v1/events.
    municipalities, error = parse_ids(request.GET, "municipality")
    if error:
        errors["municipality"] = error
    if errors:
        return _json(errors, 400)
    first = first or (last if last and last < timezone.localdate() else timezone.localdate())
    if last is not None and last < first:
        return _json({"end": [_("The end must not be before the start.")]}, 400)
    tz = timezone.get_default_timezone()
    start = datetime.combine(first, time(0), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz) if last else None
    page = _int(request.GET.get("page"), 1)
    # Like DRF's page_size_query_param: a bad size falls back to the default, a big one to the maximum.
    page_size = min(_int(request.GET.get("page_size"), PAGE_SIZE) or PAGE_SIZE, MAX_PAGE_SIZE)
    url, page_url = _urls(request)
    events = selectors.linked_events(start=start, end=end, page_url=page_url, municipalities=municipalities)
    if request.GET.get("hide_recurring_children", "").lower() in ("true", "1"):
        # As linkedevents: the series stand for their dates.
        events = [e for e in events if e.super_event_id is None]
    last_page = max(1, -(-len(events) // page_size))
    if page is None or page > last_page:
        return _json({"detail": _("Invalid page.")}, 404)

    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(params.items()))}")

    shown = le.paginate(events, page, page_size)
    expand = _included(request, shown, url)
    return _json(
        {
            "meta": le.page_meta(len(events), page, page_size, link),
            "data": [le.event_data(e, url, **expand) for e in shown],
        }
    )


def _included(request: HttpRequest, events: list[le.Event], url) -> dict:
    """linkedevents' ?include=location,keywords,audience: those references in full."""
    include = {part.strip() for value in request.GET.getlist("include") for part in value.split(",")}
    expand: dict = {}
    if "location" in include:

        def venue_url(venue) -> str:
            return request.build_absolute_uri(reverse("venues:venue", args=[venue.slug]))

        expand["places"] = selectors.linked_places({e.place_id for e in events}, venue_url=venue_url)
    if include & {"keywords", "audience"}:
        wanted = set()
        for e in events:
            wanted |= set(e.keyword_ids if "keywords" in include else ()) | set(
                e.audience_ids if "audience" in include else ()
            )
        expand["keywords"] = selectors.linked_keywords(wanted)
    return expand


def _not_found() -> JsonResponse:
    return _json({"detail": _("Not found.")}, 404)


@require_safe
def event_detail(request: HttpRequest, event_id: str) -> JsonResponse:
    url, page_url = _urls(request)
    event = selectors.linked_event(event_id, page_url=page_url)
    if event is None:
        return _not_found()
    return _json(le.event_data(event, url, detail=True, **_included(request, [event], url)))


@require_safe
def place_detail(request: HttpRequest, place_id: str) -> JsonResponse:
    url, _page_url = _urls(request)

    def venue_url(venue) -> str:
        return request.build_absolute_uri(reverse("venues:venue", args=[venue.slug]))

    place = selectors.linked_place(place_id, venue_url=venue_url)
    return _json(le.place_data(place, url, detail=True)) if place else _not_found()


@require_safe
def keyword_detail(request: HttpRequest, keyword_id: str) -> JsonResponse:
    url, _page_url = _urls(request)
    keyword = selectors.linked_keyword(keyword_id)
    return _json(le.keyword_data(keyword, url, detail=True)) if keyword else _not_found()


@require_safe
def image_detail(request: HttpRequest, pk: int) -> JsonResponse:
    url, _page_url = _urls(request)
    image = selectors.linked_image(pk)
    if image is None:
        return _not_found()
    return _json({**le.image_data(image, url), "@context": le.CONTEXT})
