"""/calendar/print/: the week's public programme as one A4 page for a noticeboard."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

import segno
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from booking.calendar_query import default_tz, local_midnight
from booking.selectors import calendar_items
from venues.models import Municipality
from venues.query import parse_ids

from . import programme


def _day(value: str | None) -> date | None:
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day if 1900 <= day.year <= 9000 else None


def _municipality_names(ids: list[int]) -> str:
    """ "Joutsa, Luhanka": what the sheet's heading names; one query, none when unfiltered."""
    if not ids:
        return ""
    return ", ".join(Municipality.objects.filter(pk__in=ids).values_list("name", flat=True))


def qr_svg(url: str) -> str:
    """An inline SVG QR code: presentation attributes only, so the CSP needs no inline style."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2, title=url)


@require_safe
def print_week(request: HttpRequest) -> HttpResponse:
    today = timezone.now().astimezone(default_tz()).date()
    asked = _day(request.GET.get("date"))
    # ?municipality=ID as on the calendar: a municipality's own noticeboard. A bad value is
    # told on the sheet, which then shows every municipality, as the calendar page does.
    municipalities, error = parse_ids(request.GET, "municipality")
    messages: list[str] = []
    if error:
        messages = [
            _("The municipality in the address is not valid, so every municipality's events are shown.")
        ]
        messages += error
    first = programme.monday(asked or today)
    following = first + timedelta(days=7)
    items = calendar_items(
        start=local_midnight(first), end=local_midnight(following), municipalities=municipalities
    )
    days: dict[date, list[programme.Line]] = {first + timedelta(days=n): [] for n in range(7)}
    for item in items:
        day = max(item.local_start.date(), first)
        if day in days:
            days[day].append(
                programme.Line(
                    start=item.local_start,
                    end=item.local_end,
                    title=item.title,
                    place=" + ".join(r.name for r in item.rooms) if item.rooms else item.booking.location,
                    hosts=", ".join(a.name for a in item.hosts),
                    online=bool(item.booking.remote_url),
                    free=item.booking.is_free,
                )
            )
    municipality = _municipality_names(municipalities)
    budget = programme.BUDGET_MM - (programme.MUNICIPALITY_MM if municipality else 0)
    laid_out, density = programme.lay_out(days, budget)
    # The QR code leads to the same municipality's week.
    query = [("view", "week"), ("date", first.isoformat())] + [("municipality", m) for m in municipalities]
    calendar_url = request.build_absolute_uri(reverse("calendar:calendar") + "?" + urlencode(query))
    context = {
        "municipality": municipality,
        "messages_list": messages,
        "first": first,
        "last": following - timedelta(days=1),
        "days": laid_out,
        "density": density,
        "count": len(items),
        "calendar_url": calendar_url,
        "qr": mark_safe(qr_svg(calendar_url)),  # segno escapes the title it writes
        "printed": today,
    }
    bad_date = request.GET.get("date") and not asked
    return render(request, "reach/print_week.html", context, status=400 if bad_date or error else 200)
