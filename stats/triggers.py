"""The triggers that tell the statistics rollup what changed, inside the writing transaction.

Why triggers: the rollup must stay exact whatever writes the dates — the booking services,
the admin, a bulk update, a cascade, a future command — and a write must never be able to
forget it. Each trigger only appends a mark to stats_rolluppending (stats/models.py says what
the marks mean); stats/rollup.py turns marks into sums later, so a write pays one insert
per statement (PostgreSQL, statement triggers with transition tables) or per changed row
(SQLite), never the summing.

Only what the figures read leaves a mark: a date that is or was confirmed, with a changed
time, room, status, participant count or booking; a booking's association; an accepted
co-host; a room's venue; a venue's time zone. A pending request or a changed title leaves none.

Like the calendar's triggers (booking/changes.py) these are put back after every migrate:
SQLite drops a table's triggers when it rebuilds the table.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

PENDING = "stats_rolluppending"
COLUMNS = f'{PENDING} (kind, room_id, booking_id, venue_id, start, "end")'
CONFIRMED = "'confirmed'"  # booking.models.Status.CONFIRMED
ACCEPTED = "'accepted'"  # booking.models.CoHost.Status.ACCEPTED

# The occurrence columns the figures read: a change to any of them changes some sum.
_OCC_READ = ("status", "room_id", "start", '"end"', "attendance", "recurrence_id", "booking_id")
_COHOST_READ = ("status", "association_id", "booking_id")


def _changed(columns: tuple[str, ...], old: str = "o", new: str = "n") -> str:
    return " OR ".join(f"{old}.{c} IS DISTINCT FROM {new}.{c}" for c in columns)


# Typed NULLs: in a UNION PostgreSQL would otherwise take a bare NULL for text.
_ID = "CAST(NULL AS bigint)"
_AT = "CAST(NULL AS timestamptz)"


def _span(row: str) -> str:
    return f"'s', {row}.room_id, {row}.booking_id, {_ID}, {row}.start, {row}.\"end\""


def _booking(expr: str) -> str:
    return f"'b', {_ID}, {expr}, {_ID}, {_AT}, {_AT}"


def _venue(expr: str) -> str:
    return f"'v', {_ID}, {_ID}, {expr}, {_AT}, {_AT}"


# (table, operation, PostgreSQL SELECT over the transition tables old_rows/new_rows)
_PG = [
    ("booking_occurrence", "INSERT", f"SELECT {_span('n')} FROM new_rows n WHERE n.status = {CONFIRMED}"),
    (
        "booking_occurrence",
        "UPDATE",
        f"SELECT {_span('o')} FROM old_rows o JOIN new_rows n ON n.id = o.id"
        f" WHERE (o.status = {CONFIRMED} OR n.status = {CONFIRMED}) AND ({_changed(_OCC_READ)})"
        f" UNION ALL SELECT {_span('n')} FROM old_rows o JOIN new_rows n ON n.id = o.id"
        f" WHERE n.status = {CONFIRMED} AND ({_changed(_OCC_READ)})",
    ),
    ("booking_occurrence", "DELETE", f"SELECT {_span('o')} FROM old_rows o WHERE o.status = {CONFIRMED}"),
    (
        "booking_booking",
        "UPDATE",
        f"SELECT {_booking('n.id')} FROM old_rows o JOIN new_rows n ON n.id = o.id"
        " WHERE o.association_id IS DISTINCT FROM n.association_id",
    ),
    (
        "booking_cohost",
        "INSERT",
        f"SELECT {_booking('n.booking_id')} FROM new_rows n WHERE n.status = {ACCEPTED}",
    ),
    (
        "booking_cohost",
        "UPDATE",
        f"SELECT {_booking('o.booking_id')} FROM old_rows o JOIN new_rows n ON n.id = o.id"
        f" WHERE (o.status = {ACCEPTED} OR n.status = {ACCEPTED}) AND ({_changed(_COHOST_READ)})"
        f" UNION ALL SELECT {_booking('n.booking_id')} FROM old_rows o JOIN new_rows n ON n.id = o.id"
        f" WHERE n.status = {ACCEPTED} AND ({_changed(_COHOST_READ)})",
    ),
    (
        "booking_cohost",
        "DELETE",
        f"SELECT {_booking('o.booking_id')} FROM old_rows o WHERE o.status = {ACCEPTED}",
    ),
    (
        "venues_room",
        "UPDATE",
        f"SELECT {_venue('o.venue_id')} FROM old_rows o JOIN new_rows n ON n.id = o.id"
        " WHERE o.venue_id IS DISTINCT FROM n.venue_id"
        f" UNION ALL SELECT {_venue('n.venue_id')} FROM old_rows o JOIN new_rows n ON n.id = o.id"
        " WHERE o.venue_id IS DISTINCT FROM n.venue_id",
    ),
    (
        "venues_venue",
        "UPDATE",
        f"SELECT {_venue('n.id')} FROM old_rows o JOIN new_rows n ON n.id = o.id"
        " WHERE o.time_zone IS DISTINCT FROM n.time_zone",
    ),
]

# (table, operation, WHEN condition or "", the rows to insert as VALUES tuples) for SQLite's
# row triggers, which see OLD and NEW. SQLite spells IS DISTINCT FROM as IS NOT.
_SQLITE = [
    ("booking_occurrence", "INSERT", f"NEW.status = {CONFIRMED}", [_span("NEW")]),
    (
        "booking_occurrence",
        "UPDATE",
        f"(OLD.status = {CONFIRMED} OR NEW.status = {CONFIRMED}) AND ("
        + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _OCC_READ)
        + ")",
        [_span("OLD"), _span("NEW")],
    ),
    ("booking_occurrence", "DELETE", f"OLD.status = {CONFIRMED}", [_span("OLD")]),
    ("booking_booking", "UPDATE", "OLD.association_id IS NOT NEW.association_id", [_booking("NEW.id")]),
    ("booking_cohost", "INSERT", f"NEW.status = {ACCEPTED}", [_booking("NEW.booking_id")]),
    (
        "booking_cohost",
        "UPDATE",
        f"(OLD.status = {ACCEPTED} OR NEW.status = {ACCEPTED}) AND ("
        + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _COHOST_READ)
        + ")",
        [_booking("OLD.booking_id"), _booking("NEW.booking_id")],
    ),
    ("booking_cohost", "DELETE", f"OLD.status = {ACCEPTED}", [_booking("OLD.booking_id")]),
    (
        "venues_room",
        "UPDATE",
        "OLD.venue_id IS NOT NEW.venue_id",
        [_venue("OLD.venue_id"), _venue("NEW.venue_id")],
    ),
    ("venues_venue", "UPDATE", "OLD.time_zone IS NOT NEW.time_zone", [_venue("NEW.id")]),
]


def _name(table: str, operation: str) -> str:
    return f"tupa_rollup_{table}_{operation.lower()}"


def _execute(connection, sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def install(connection) -> None:
    if connection.vendor == "postgresql":
        transition = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows"}
        for table, operation, select in _PG:
            name = _name(table, operation)
            _execute(
                connection,
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
                f" BEGIN INSERT INTO {COLUMNS} {select}; RETURN NULL; END $$",
            )
            referencing = transition.get(operation, "OLD TABLE AS old_rows NEW TABLE AS new_rows")
            _execute(
                connection,
                f"CREATE TRIGGER {name} AFTER {operation} ON {table} REFERENCING {referencing}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
            )
    elif connection.vendor == "sqlite":
        for table, operation, when, rows in _SQLITE:
            inserts = " ".join(f"INSERT INTO {COLUMNS} VALUES ({row});" for row in rows)
            _execute(
                connection,
                f"CREATE TRIGGER {_name(table, operation)} AFTER {operation} ON {table}"
                f" FOR EACH ROW WHEN {when} BEGIN {inserts} END",
            )
    else:  # pragma: no cover - CONTRACT.md names SQLite and PostgreSQL only
        raise NotImplementedError(f"no statistics triggers for {connection.vendor}")


def remove(connection) -> None:
    for table, operation, *_ in _PG if connection.vendor == "postgresql" else _SQLITE:
        name = _name(table, operation)
        if connection.vendor == "postgresql":
            _execute(connection, f"DROP TRIGGER IF EXISTS {name} ON {table}")
            _execute(connection, f"DROP FUNCTION IF EXISTS {name}()")
        else:
            _execute(connection, f"DROP TRIGGER IF EXISTS {name}")


def install_triggers(apps, schema_editor) -> None:
    """Migration step (RunPython)."""
    remove(schema_editor.connection)
    install(schema_editor.connection)


def remove_triggers(apps, schema_editor) -> None:
    remove(schema_editor.connection)


def reinstall_triggers(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate receiver: put the triggers back after any migration (see the docstring)."""
    connection = connections[using]
    if PENDING not in connection.introspection.table_names():
        return  # the stats migration not applied yet (or migrated back past it)
    remove(connection)
    install(connection)
