"""Versioning of the cached calendar feeds.

The version comes from the database (booking.changes): a trigger logs every write to the
tables the calendar shows, in the writing transaction. Cached feeds are keyed by that
version, so the cache — local memory per process, or Redis shared by all servers — is only
an accelerator: a server whose cache holds an older render simply misses it. Nothing has to
remember to invalidate anything; admin edits of rooms, venues, associations and categories
count as writes because they are writes.
"""

from __future__ import annotations

from .changes import CalendarVersion, log_change, read_version


def calendar_version() -> CalendarVersion:
    """The calendar's current version: one indexed query."""
    return read_version()


def bump_calendar_version() -> None:
    """Log a change by hand. Writes to the watched tables need no call (the trigger logs them);
    this is for a change the triggers cannot see (and for the benchmark's cold runs)."""
    log_change()
