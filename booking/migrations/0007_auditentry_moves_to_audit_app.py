# AuditEntry now belongs to the audit app (audit/migrations/0001_initial.py): drop it from
# this app's state only. The table stays where it is, with every row.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0006_occurrence_at_most_max_length"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
            database_operations=[],
        ),
    ]
