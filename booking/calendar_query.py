"""Reading the calendar's query string: filters and moments, shared by the pages, the feed and the API.

Every parser returns errors as {"field": ["message"]} instead of raising, so no malformed
query can reach the database (a 20-digit id would overflow a bigint) or become a 500.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from venues.query import parse_ids

from .models import Audience

# query parameter -> keyword of booking.selectors.calendar_items
# `booking` (one series: what "subscribe to this series" on an event page links to).
# "municipality" is Tupa's addition to the contract's four (issue 14): a region's resident
# narrows every calendar, the feed and the open data to their own municipality's houses.
ID_FILTERS = {
    "municipality": "municipalities",
    "venue": "venues",
    "room": "rooms",
    "association": "associations",
    "category": "categories",
    "booking": "bookings",
}


def parse_filters(params, *, audience: bool = True) -> tuple[dict, dict]:
    filters: dict[str, list] = {}
    errors: dict[str, list[str]] = {}
    for name, keyword in ID_FILTERS.items():
        filters[keyword], error = parse_ids(params, name)
        if error:
            errors[name] = error
    if audience:
        values = {v.strip() for v in params.getlist("audience") if v.strip()}
        unknown = values - set(Audience.values)
        if unknown:
            errors["audience"] = [
                _("Unknown audience; choose from: %(choices)s.") % {"choices": ", ".join(Audience.values)}
            ]
        filters["audiences"] = sorted(values - unknown)
    return filters, errors


def default_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_midnight(day: date, tz: ZoneInfo | None = None) -> datetime:
    tz = tz or default_tz()
    # Normalised through UTC: a midnight that does not exist (no DST change in Finland is at
    # midnight, but a venue zone might) moves to the first instant after it.
    return datetime.combine(day, time()).replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def parse_moment(raw: str | None) -> tuple[datetime | None, str | None]:
    """An ISO 8601 date-time with a UTC offset, or a plain date meaning local midnight.

    Plain dates (YYYY-MM-DD) are read as midnight in settings.TIME_ZONE.
    """
    example = _(
        "Give an ISO 8601 date-time with a UTC offset (2026-05-01T00:00:00+03:00) or a date (2026-05-01)."
    )
    if raw is None or not raw.strip():
        return None, _("This parameter is required.") + " " + example
    value = raw.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return None, example
        if not 1900 <= day.year <= 9000:
            return None, example
        return local_midnight(day), None
    # An unencoded "+" in a query string arrives as a space: 2026-05-01T00:00:00 03:00.
    value = re.sub(r" (\d{2}(:?\d{2})?)$", r"+\1", value)
    try:
        moment = parse_datetime(value)
    except (ValueError, OverflowError):
        moment = None
    if moment is None or not 1900 <= moment.year <= 9000:
        return None, example
    if moment.tzinfo is None or moment.utcoffset() is None:
        return None, _("The time needs a UTC offset, e.g. 2026-05-01T00:00:00+03:00.")
    return moment, None
