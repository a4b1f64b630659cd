from django.contrib.postgres.constraints import ExclusionConstraint
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import CheckConstraint


class _PostgresOnlyDDL:
    """Writes its constraint's DDL on PostgreSQL only; elsewhere no SQL at all."""

    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)


class PostgresExclusionConstraint(_PostgresOnlyDDL, ExclusionConstraint):
    """An exclusion constraint that exists on PostgreSQL only.

    SQLite has no exclusion constraints; there the booking service's check runs inside
    an IMMEDIATE transaction (one writer at a time), which gives the same guarantee for
    the single-process embedded set-up.
    """

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        if connections[using].vendor != "postgresql":
            return
        super().validate(model, instance, exclude=exclude, using=using)


class PostgresCheckConstraint(_PostgresOnlyDDL, CheckConstraint):
    """A check constraint whose DDL exists on PostgreSQL only.

    For checks on date-time arithmetic: SQLite would need Django's own SQL function
    (django_format_dtdelta) inside the table definition, which the sqlite3 tool, backups
    checked with PRAGMA integrity_check and any other client lack. Model validation still
    applies the check on both.
    """
