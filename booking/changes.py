"""The calendar's change log: the database says what version of the calendar it holds.

Why in the database: cached feeds were keyed by a counter in the cache, so with the default
local-memory cache every app server had its own counter, and writes that forgot to bump it
(the admin) never showed. Now every write to a table the calendar shows is logged by a
database trigger in the writing transaction itself, whatever wrote it (services, the admin,
bulk updates, cascades, a future command). Any cache is then only an accelerator: its keys
carry the version read from here, so a server can never serve a body older than the data.

Why an append-only log and not one counter row: a counter row is a hot row that every write
transaction would lock until it commits, serialising all bookings of all rooms and inviting
deadlocks with the room locks. Inserts into a log lock nothing others wait for, and
MAX(id) / MAX(lm) are index lookups.

What a reader gets (`read_version`):
- `number`: MAX(id). On SQLite writers are serialised, so ids come in commit order. On
  PostgreSQL two writers may commit out of id order (A takes id 10, B id 11 and commits
  first): until A commits, MAX(id) is 11 without A's data. Every logging transaction holds
  a shared advisory lock until it ends; a reader that cannot take it exclusively knows a
  writer is in flight and neither stores its render in the cache nor sends Last-Modified.
  A cached entry under version V was stored while no writer was in flight, so it holds
  every change up to V.
- `last_modified`: MAX(lm), whole seconds. The first log row of each transaction sets
  lm = max(now, the largest committed lm + 1): strictly increasing from one committed state
  to the next, even several per second, so If-Modified-Since can never match an older body.
  Later rows of the same transaction carry 0. Under a burst of writes lm may run a few
  seconds ahead of the clock; it never runs backwards (deleting or cancelling logs a row too).
- `cacheable`: False when the reading transaction itself has uncommitted logged changes
  (only tests read inside a write transaction; on SQLite a rolled-back id is reused).

SQLite has no transaction id in SQL: `tupa_calendar_txn()`, registered on every connection
Django opens (booking.apps), names the current transaction for the trigger. A write through
a connection Django did not open (the sqlite3 shell) fails with "no such function".
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import uuid4

from django.db import DEFAULT_DB_ALIAS, connections, transaction

# Tables whose rows appear in the feeds, calendar pages or events API (names, places, hosts).
# venues_municipality: a feed filtered by ?municipality= is named after it (X-WR-CALNAME) and
# the calendar page offers the names, so a rename must reach them like a room's.
WATCHED_TABLES = (
    "booking_booking",
    "booking_occurrence",
    "booking_cohost",
    "booking_category",
    "venues_municipality",
    "venues_venue",
    "venues_room",
    "associations_association",
)
LOG_TABLE = "booking_calendarchange"
# pg advisory lock key: b"tupacal" as a number; held shared by every logging transaction.
WRITER_LOCK = 32780222829125996


@dataclass(frozen=True)
class CalendarVersion:
    number: int
    last_modified: int | None  # Unix seconds; None when it must not be sent
    cacheable: bool


# ---------------------------------------------------------------- the triggers (migration 0005)

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION tupa_calendar_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    this_txn text := txid_current()::text;
    first_change boolean := current_setting('tupa.calendar_txn', true) IS DISTINCT FROM this_txn;
BEGIN
    IF first_change THEN
        -- Held until this transaction ends: readers then know a writer is in flight.
        PERFORM pg_advisory_xact_lock_shared({WRITER_LOCK});
        PERFORM set_config('tupa.calendar_txn', this_txn, true);
        INSERT INTO {LOG_TABLE} (txn, stamp, lm)
        SELECT this_txn, '', GREATEST(floor(extract(epoch FROM clock_timestamp()))::bigint,
                                 COALESCE(MAX(lm), 0) + 1)
        FROM {LOG_TABLE};
    ELSE
        INSERT INTO {LOG_TABLE} (txn, stamp, lm) VALUES (this_txn, '', 0);
    END IF;
    RETURN NULL;
END $$;
"""

# One row per statement and transaction: 'now' is fixed within one SQLite statement.
_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
_SQLITE_TRIGGER = f"""
CREATE TRIGGER tupa_calendar_{{table}}_{{op}} AFTER {{op}} ON {{table}}
WHEN NOT EXISTS (
    SELECT 1 FROM {LOG_TABLE} c
    WHERE c.id = (SELECT MAX(id) FROM {LOG_TABLE})
      AND c.txn = tupa_calendar_txn() AND c.stamp = {_SQLITE_NOW}
)
BEGIN
    INSERT INTO {LOG_TABLE} (txn, stamp, lm)
    SELECT tupa_calendar_txn(), {_SQLITE_NOW},
        CASE WHEN (SELECT txn FROM {LOG_TABLE} WHERE id = (SELECT MAX(id) FROM {LOG_TABLE}))
                  = tupa_calendar_txn() THEN 0
        ELSE MAX(CAST(strftime('%s', 'now') AS INTEGER),
                 COALESCE((SELECT MAX(lm) FROM {LOG_TABLE}), 0) + 1) END;
END;
"""


def _execute(schema_editor, sql: str) -> None:
    # Without parameters: schema_editor.execute() would turn strftime's '%s' into a placeholder.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


def _existing(schema_editor) -> list[str]:
    """The watched tables that exist yet. On a fresh database migration 0005 runs before
    venues 0002 creates venues_municipality; migration 0008 and the post_migrate reinstall
    below put its triggers on once it exists."""
    tables = set(schema_editor.connection.introspection.table_names())
    return [table for table in WATCHED_TABLES if table in tables]


def install_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _execute(schema_editor, _PG_FUNCTION)
        for table in _existing(schema_editor):
            _execute(
                schema_editor,
                f"CREATE TRIGGER tupa_calendar_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION tupa_calendar_changed()",
            )
    elif vendor == "sqlite":
        for table in _existing(schema_editor):
            for op in ("INSERT", "UPDATE", "DELETE"):
                _execute(schema_editor, _SQLITE_TRIGGER.format(table=table, op=op))
    else:  # pragma: no cover - CONTRACT.md names SQLite and PostgreSQL only
        raise NotImplementedError(f"no calendar change triggers for {vendor}")


def remove_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    # The tables install_triggers works on (SQLite's DROP TRIGGER names no table to check).
    for table in _existing(schema_editor):
        if vendor == "postgresql":
            _execute(schema_editor, f"DROP TRIGGER IF EXISTS tupa_calendar_changed ON {table}")
        else:
            for op in ("INSERT", "UPDATE", "DELETE"):
                _execute(schema_editor, f"DROP TRIGGER IF EXISTS tupa_calendar_{table}_{op}")
    if vendor == "postgresql":
        _execute(schema_editor, "DROP FUNCTION IF EXISTS tupa_calendar_changed()")


def reinstall_triggers(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate receiver: put every trigger back after any migration.

    SQLite cannot alter most columns in place, so Django's schema editor rebuilds the table
    (create, copy, drop, rename), and a table's triggers go with the dropped copy. A later
    migration of a watched table (a new venue field, say) would silently end the feed's
    freshness; re-creating the triggers after every migrate makes that impossible.
    """
    connection = connections[using]
    if LOG_TABLE not in connection.introspection.table_names():
        return  # migration 0005 not applied yet (or migrating backwards past it)
    with connection.schema_editor() as schema_editor:
        remove_triggers(None, schema_editor)
        install_triggers(None, schema_editor)


# ---------------------------------------------------------------- SQLite: naming the transaction


def _sqlite_state(wrapper) -> dict:
    return wrapper.__dict__.setdefault("_tupa_calendar_txn", {})


def _sqlite_current_token(wrapper) -> str | None:
    """The open transaction's token, if it has logged a change; never makes one up."""
    state = _sqlite_state(wrapper)
    # Django gives every transaction a fresh run_on_commit list (after commit and rollback);
    # the state keeps a reference to the list it was made for, so identity cannot be reused.
    if wrapper.in_atomic_block and state.get("hooks") is wrapper.run_on_commit:
        return state["token"]
    return None


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """connection_created receiver: give SQLite the function the triggers call."""
    if connection.vendor != "sqlite":
        return
    state = _sqlite_state(connection)
    if "statements" not in state:
        # In autocommit each statement is a transaction: count them, so one multi-row
        # UPDATE logs one change, not one per row (which would also push lm ahead).
        state["statements"] = 0
        state["connection"] = uuid4().hex

        def count(execute, sql, params, many, context):
            state["statements"] += 1
            return execute(sql, params, many, context)

        connection.execute_wrappers.append(count)

    def token() -> str:
        if not connection.in_atomic_block:
            return f"{state['connection']}:{state['statements']}"
        if state.get("hooks") is not connection.run_on_commit:
            state["hooks"] = connection.run_on_commit
            state["token"] = uuid4().hex
        return state["token"]

    connection.connection.create_function("tupa_calendar_txn", 0, token)


# ---------------------------------------------------------------- reading the version


def read_version(using: str = DEFAULT_DB_ALIAS) -> CalendarVersion:
    """One query: the calendar's version, its Last-Modified, and whether a render may be cached."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT (SELECT MAX(id) FROM {LOG_TABLE}), (SELECT MAX(lm) FROM {LOG_TABLE}),"
                " COALESCE(current_setting('tupa.calendar_txn', true)"
                "   = txid_current_if_assigned()::text, false),"
                f" CASE WHEN pg_try_advisory_lock({WRITER_LOCK})"
                f"   THEN pg_advisory_unlock({WRITER_LOCK}) ELSE false END"
            )
            number, lm, dirty, quiet = cursor.fetchone()
        else:
            # One aggregate per subquery: SQLite answers a lone MAX() from the index, but two
            # MAX()es in one SELECT would scan the whole log.
            cursor.execute(
                f"SELECT (SELECT MAX(id) FROM {LOG_TABLE}), (SELECT MAX(lm) FROM {LOG_TABLE}),"
                f" (SELECT txn FROM {LOG_TABLE} WHERE id = (SELECT MAX(id) FROM {LOG_TABLE}))"
            )
            number, lm, newest_txn = cursor.fetchone()
            token = _sqlite_current_token(connection)
            dirty, quiet = token is not None and token == newest_txn, True
    settled = quiet and not dirty
    return CalendarVersion(
        number=number or 0,
        last_modified=int(lm) if lm and settled else None,
        cacheable=settled,
    )


def log_change(using: str = DEFAULT_DB_ALIAS) -> None:
    """Log a change the triggers cannot see (none today; kept for writes outside the watched tables)."""
    connection = connections[using]
    # One transaction: on PostgreSQL the shared lock must cover the insert until it commits.
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT pg_advisory_xact_lock_shared({WRITER_LOCK})")
            cursor.execute(
                f"INSERT INTO {LOG_TABLE} (txn, stamp, lm) SELECT 'manual', '',"
                " GREATEST(floor(extract(epoch FROM clock_timestamp()))::bigint, COALESCE(MAX(lm), 0) + 1)"
                f" FROM {LOG_TABLE}"
            )
        else:
            cursor.execute(
                f"INSERT INTO {LOG_TABLE} (txn, stamp, lm) SELECT 'manual', '',"
                " MAX(CAST(strftime('%s', 'now') AS INTEGER), COALESCE(MAX(lm), 0) + 1)"
                f" FROM {LOG_TABLE}"
            )
