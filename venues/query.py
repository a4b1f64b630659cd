"""Reading ids from a query string: the one parser behind every filter (venue, room,
municipality...), used by the calendar, the feed, the events API and the open-data lists.

Errors come back as {"field": ["message"]} instead of raising, so no malformed query can
reach the database (a 20-digit id would overflow a bigint) or become a 500. It lives in
venues, the bottom of the dependency order, so every app above may use it.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_ID = re.compile(r"[0-9]{1,18}")


def parse_ids(params, name: str) -> tuple[list[int], list[str] | None]:
    """The sorted distinct ids given as `name` (repeatable; empty values ignored), or an error."""
    ids: set[int] = set()
    for raw in params.getlist(name):
        raw = raw.strip()
        if not raw:  # the "all" option of a filter form
            continue
        if not _ID.fullmatch(raw):
            return [], [_("Give the id as a whole number, e.g. %(name)s=3.") % {"name": name}]
        ids.add(int(raw))
    return sorted(ids), None
