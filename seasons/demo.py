"""The demo season seed_demo adds: open for applications, with applications in it.

It lies after the demo bookings (which stay within 90 days of today) and within the
rooms' 365-day horizon, so the demo shows the feature without colliding with anything.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services
from .models import Season

DEMO_NAME = "Kevätkausi (esittely)"


def seed_season(venue, rooms: dict, associations: dict, today: date) -> Season:
    existing = Season.objects.filter(name=DEMO_NAME, venue=venue).first()
    if existing is not None:
        return existing
    coordinator = get_user_model().objects.get(username="coordinator")
    start = today + timedelta(days=100 + (7 - (today + timedelta(days=100)).weekday()) % 7)
    season = services.season_create(
        actor=coordinator,
        name=DEMO_NAME,
        venue=venue,
        rooms=[rooms["sali"], rooms["kerhohuone"], rooms["kuntosali"]],
        start=start,
        end=start + timedelta(weeks=14, days=-1),
        applications_close=timezone.now() + timedelta(days=30),
        priority_audiences=["children", "seniors"],
    )
    W = services.WishInput
    sali, kerho, kunto = rooms["sali"], rooms["kerhohuone"], rooms["kuntosali"]
    # Most want Tuesday and Wednesday evenings, as in any real season.
    specs = [
        (
            "elakelaiset",
            "Tuolijumppa",
            15,
            "seniors",
            [W(sali, 2, time(17), time(18, 30)), W(sali, 3, time(17), time(18, 30))],
        ),
        (
            "elakelaiset",
            "Lauluryhmä",
            18,
            "seniors",
            [W(kerho, 2, time(18), time(20)), W(kerho, 4, time(18), time(20))],
        ),
        (
            "kylayhdistys",
            "Kyläkahvila",
            20,
            "everyone",
            [
                W(kerho, 2, time(18), time(20)),
                W(sali, 2, time(18), time(20)),
                W(kerho, 3, time(18), time(20)),
            ],
        ),
        (
            "urheiluseura",
            "Lasten liikuntakerho",
            25,
            "children",
            [W(sali, 2, time(17), time(18, 30)), W(sali, 4, time(17), time(18, 30))],
        ),
        (
            "urheiluseura",
            "Kuntosalivuoro",
            10,
            "adults",
            [W(kunto, 3, time(18), time(20)), W(kunto, 2, time(18), time(20))],
        ),
        (
            "sydanyhdistys",
            "Vertaistukiryhmä",
            12,
            "adults",
            [W(kerho, 3, time(18), time(19, 30)), W(kerho, 2, time(18), time(19, 30))],
        ),
    ]
    for slug, title, size, audience, wishes in specs:
        services.application_submit(
            actor=coordinator,
            season=season,
            association=associations[slug],
            title=title,
            group_size=size,
            wishes=wishes,
            audience=audience,
        )
    return season
