"""Database expressions the statistics need on both SQLite and PostgreSQL."""

from django.db.models import BigIntegerField, Func


class Epoch(Func):
    """Whole seconds since 1970-01-01 UTC of a datetime expression.

    Durations as differences of epochs stay plain integer arithmetic in the database. On
    SQLite Django's own datetime arithmetic calls back into Python for every row, which is
    what made three years of statistics slow; strftime() is built in.
    """

    output_field = BigIntegerField()
    template = "FLOOR(EXTRACT(EPOCH FROM %(expressions)s))::bigint"

    def as_sqlite(self, compiler, connection, **extra):
        # '%%%%s' survives the template's and then the parameters' %-formatting as '%s'.
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)", **extra
        )
