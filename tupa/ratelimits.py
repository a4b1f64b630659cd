"""Rate limits that hold across every app server: their counters live in the database.

The `ratelimit` cache alias (settings.CACHES) is a DatabaseCache table. Sign-ins and writes,
the two things limited, need the database anyway, so keeping their counters there adds no
new way to fail, and unlike a per-process cache it is shared; unlike Redis it needs no
fail-open rule (a Redis outage would otherwise switch the limits off or lock everyone out).
"""

from __future__ import annotations

from django.core.cache import caches
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import UserRateThrottle


def install() -> None:
    # allauth reads and writes its limits through `django.core.cache.cache` (the default
    # alias, here Redis or a per-process cache) and has no setting to choose another.
    from allauth.core.internal import ratelimit

    ratelimit.cache = caches["ratelimit"]


class WriteRateThrottle(UserRateThrottle):
    """API writes per token (per user; per address when anonymous). Reads are not limited."""

    scope = "write"

    def __init__(self):
        self.cache = caches["ratelimit"]
        super().__init__()

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
