from django.db import migrations

CATEGORIES = [
    ("exercise", "Liikunta", "Motion", "Exercise"),
    ("culture", "Kulttuuri", "Kultur", "Culture"),
    ("club-evening", "Kerhoilta", "Klubbkväll", "Club evening"),
    ("support-group", "Vertaistukiryhmä", "Stödgrupp", "Support group"),
    ("open-house", "Avoimet ovet", "Öppet hus", "Open house"),
    ("course", "Kurssi", "Kurs", "Course"),
    ("meeting", "Kokous", "Möte", "Meeting"),
    ("celebration", "Juhla", "Fest", "Celebration"),
]


def add(apps, schema_editor):
    Category = apps.get_model("booking", "Category")
    for slug, fi, sv, en in CATEGORIES:
        Category.objects.update_or_create(slug=slug, defaults={"name_fi": fi, "name_sv": sv, "name_en": en})


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
