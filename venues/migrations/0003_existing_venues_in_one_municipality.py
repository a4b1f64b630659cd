"""Existing venues get a municipality, so ?municipality= and the scopes cover them at once.

An installation before municipalities was one organiser; its venues go to one municipality
named "Kunta" (rename it in the admin). Nothing is created when there are no venues.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Venue = apps.get_model("venues", "Venue")
    Municipality = apps.get_model("venues", "Municipality")
    orphans = Venue.objects.filter(municipality__isnull=True)
    if not orphans.exists():
        return
    municipality, _ = Municipality.objects.get_or_create(slug="kunta", defaults={"name": "Kunta"})
    orphans.update(municipality=municipality)


class Migration(migrations.Migration):
    dependencies = [("venues", "0002_municipalities")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
