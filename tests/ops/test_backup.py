"""Backups restore with the data intact (docs/OPERATIONS.md: the same commands)."""

import shutil
import sqlite3
import subprocess
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from ..factories import AssociationFactory, BookingFactory, OccurrenceFactory, RoomFactory, VenueFactory

# Table and the columns compared (text and ids: drivers agree on those).
TABLES = {
    "associations_association": "id, name, slug",
    "venues_room": "id, name, venue_id",
    "booking_booking": "id, title, association_id, room_id",
    "booking_occurrence": "id, booking_id, room_id",
    "auth_user": "id, username, email",
}


def _make_history():
    venue = VenueFactory(name="Joutsan tupa", slug="joutsa")
    room = RoomFactory(venue=venue, name="Sali", slug="sali")
    association = AssociationFactory(name="Joutsan Eläkeläiset ry", slug="elakelaiset")
    for day in range(1, 4):
        start = timezone.now().replace(microsecond=0) + timedelta(days=day)
        booking = BookingFactory(
            association=association, room=room, start=start, end=start + timedelta(hours=2)
        )
        OccurrenceFactory(booking=booking)


def _rows(cursor, table):
    cursor.execute(f"SELECT {TABLES[table]} FROM {table} ORDER BY 1")  # noqa: S608 - our own names
    return [tuple(row) for row in cursor.fetchall()]


def test_a_sqlite_backup_restores_intact(transactional_db, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite backup")
    _make_history()
    connection.ensure_connection()
    live = connection.connection
    # Back up with the online backup API (what `sqlite3 db.sqlite3 ".backup file"` does).
    backup_file = tmp_path / "tupa-backup.sqlite3"
    with sqlite3.connect(backup_file) as backup:
        live.backup(backup)
    # Restore into an empty database, as onto a new server.
    restored = sqlite3.connect(tmp_path / "restored.sqlite3")
    with sqlite3.connect(backup_file) as backup:
        backup.backup(restored)
    assert restored.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    live_cursor, restored_cursor = live.cursor(), restored.cursor()
    for table in TABLES:
        assert _rows(restored_cursor, table) == _rows(live_cursor, table), table
    assert len(_rows(restored_cursor, "booking_occurrence")) == 3
    restored.close()


@pytest.mark.postgres
def test_a_postgres_dump_restores_intact(tmp_path):
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    import psycopg

    _make_history()
    settings = connection.settings_dict
    host, port, user = settings["HOST"] or "127.0.0.1", str(settings["PORT"] or 5432), settings["USER"]
    env_args = ["-h", host, "-p", port, "-U", user]
    dump = tmp_path / "tupa.dump"
    subprocess.run(["pg_dump", *env_args, "-Fc", "-f", str(dump), settings["NAME"]], check=True, timeout=120)

    target = f"tupa_restore_{uuid.uuid4().hex[:10]}"
    admin = dict(host=host, port=port, user=user, dbname="postgres", autocommit=True)
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{target}"')
    try:
        subprocess.run(
            ["pg_restore", *env_args, "--no-owner", "--exit-on-error", "-d", target, str(dump)],
            check=True,
            timeout=120,
        )
        with psycopg.connect(host=host, port=port, user=user, dbname=target) as restored:
            with connection.cursor() as live_cursor, restored.cursor() as restored_cursor:
                for table in TABLES:
                    assert _rows(restored_cursor, table) == _rows(live_cursor, table), table
                assert len(_rows(restored_cursor, "booking_occurrence")) == 3
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
