from django.db import migrations

from booking.changes import install_triggers, remove_triggers


def reinstall(apps, schema_editor):
    # Migration 0005 ran before venues_municipality existed on a fresh database (and before the
    # table was watched on an existing one): put every trigger back, the new table's included.
    remove_triggers(apps, schema_editor)
    install_triggers(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("booking", "0007_auditentry_moves_to_audit_app"),
        ("venues", "0002_municipalities"),
    ]

    # A feed filtered by municipality is named after it: a rename must log a calendar change.
    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
