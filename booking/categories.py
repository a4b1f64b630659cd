"""The categories every installation starts with (slug, Finnish, Swedish, English).

Migration 0002 holds a frozen copy, as migrations must; seed_demo uses this one so demo
data is complete even where a test or an operator emptied the table.
"""

DEFAULT_CATEGORIES = [
    ("exercise", "Liikunta", "Motion", "Exercise"),
    ("culture", "Kulttuuri", "Kultur", "Culture"),
    ("club-evening", "Kerhoilta", "Klubbkväll", "Club evening"),
    ("support-group", "Vertaistukiryhmä", "Stödgrupp", "Support group"),
    ("open-house", "Avoimet ovet", "Öppet hus", "Open house"),
    ("course", "Kurssi", "Kurs", "Course"),
    ("meeting", "Kokous", "Möte", "Meeting"),
    ("celebration", "Juhla", "Fest", "Celebration"),
]
