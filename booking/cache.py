"""Versioning of the cached calendar feeds.

Rendered feeds are cached under a key that carries a global "calendar version" held in
the shared cache. The write side calls `bump_calendar_version()` after a change commits,
and every app server then misses its old entries at once. The feed key also carries a
cheap fingerprint of the tables (see `booking.calendar_views`), so a forgotten bump can
delay nothing beyond one request.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "calendar:version"


def calendar_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # add() keeps a concurrent bump that got there first.
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def bump_calendar_version() -> None:
    """Invalidate every cached feed. Call after the change is committed."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value differs from a missing one
        cache.add(VERSION_KEY, 2, timeout=None)


def bump_calendar_version_on_commit() -> None:
    """For use inside a write transaction: bump only once the data is visible to readers."""
    transaction.on_commit(bump_calendar_version, robust=True)
