"""Who coordinates what: the one rule for a coordinator's reach over venues.

A coordinator is an active staff user (as before municipalities existed). What they
coordinate:

| user                                         | coordinates                              |
|----------------------------------------------|------------------------------------------|
| superuser                                    | everything (the national administrator)  |
| coordinator with no CoordinatorScope rows    | everything (an existing installation's   |
|                                              | coordinators keep their power)           |
| coordinator with scope rows                  | the venues of the municipalities named,  |
|                                              | and the venues named (a village hall)    |
| anyone else                                  | nothing                                  |

So scope rows only ever narrow. Things bound to no venue (an off-site date) belong to
those who coordinate everything. Associations are not venue-bound: any coordinator may
approve one (associations/permissions.py), since an approved association may book in every
municipality and each venue keeps its own say through its rooms' approval setting.

`may_coordinate(user, venue_id)` is the question every app asks (desk, booking, seasons,
the admin); `coordinated_venue_ids(user)` and `coordinated_q(user, "room__venue")` narrow
lists. The answer is read once per user object (one query) and kept on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from .models import CoordinatorScope, Venue

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

# As in associations/permissions.py: a signed-in account (Django's own user model) or nobody.
User: TypeAlias = "AuthUser | AnonymousUser"

_CACHE_ATTR = "_tupa_coordinated_venue_ids"
_UNSET = object()


def is_coordinator(user: User) -> bool:
    """A coordinator of something: municipal staff, who also use the Django admin for set-up."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def coordinated_venue_ids(user: User) -> frozenset[int] | None:
    """None when the user coordinates everything; else the ids of the venues they coordinate."""
    if not is_coordinator(user) or user.pk is None:
        return frozenset()
    if user.is_superuser:
        return None
    cached = getattr(user, _CACHE_ATTR, _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    scopes = list(CoordinatorScope.objects.filter(user_id=user.pk).values_list("municipality_id", "venue_id"))
    if not scopes:
        result: frozenset[int] | None = None
    else:
        municipalities = {m for m, _v in scopes if m is not None}
        venues = {v for _m, v in scopes if v is not None}
        if municipalities:
            venues |= set(
                Venue.objects.filter(municipality_id__in=municipalities).values_list("id", flat=True)
            )
        result = frozenset(venues)
    setattr(user, _CACHE_ATTR, result)
    return result


def coordinates_all(user: User) -> bool:
    """The national administrator, or an unscoped coordinator."""
    return is_coordinator(user) and coordinated_venue_ids(user) is None


def may_coordinate(user: User, venue_id: int | None) -> bool:
    """May the user decide on this venue's rooms, bookings and closures?

    venue_id None is something held at no venue (an off-site date): nationally coordinated.
    """
    ids = coordinated_venue_ids(user)
    if ids is None:
        return True
    return venue_id is not None and venue_id in ids


def coordinated_q(user: User, venue_path: str = "") -> Q:
    """A filter keeping the rows of the venues the user coordinates.

    venue_path is the lookup from the model to a venue ("" for Venue itself, "venue",
    "room__venue"); rows without a venue stay only for those who coordinate everything.
    """
    ids = coordinated_venue_ids(user)
    if ids is None:
        return Q()
    field = f"{venue_path}__id__in" if venue_path else "id__in"
    return Q(**{field: sorted(ids)})


def forget(user: User) -> None:
    """Drop the kept answer (after changing the user's scope rows in the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
