"""What the desk's services share: who may decide, and how workers share locked rows."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils.translation import gettext as _

from associations.permissions import is_coordinator, may_coordinate


def require_coordinator(actor, *, venue_ids: Iterable[int | None] = ()) -> None:
    """A coordinator, and one of every venue named (None: a booking held off-site)."""
    if not is_coordinator(actor):
        raise PermissionDenied(_("Only coordinators decide on bookings."))
    if not all(may_coordinate(actor, venue_id) for venue_id in venue_ids):
        raise PermissionDenied(_("Only the coordinators of this venue decide on it."))


def lock_skipping_locked(queryset):
    """Lock the rows for update, skipping those another worker holds.

    skip_locked lets several expiry workers share the work on PostgreSQL; SQLite has no
    row locks, its IMMEDIATE transactions serialise the writers instead.
    """
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset
