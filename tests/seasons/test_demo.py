"""seed_demo shows the feature: an open season with applications, added once."""

import pytest
from django.core.management import call_command

from seasons.models import Application, Season

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_an_open_season_with_applications_once():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    season = Season.objects.get()
    assert season.status == "open"
    assert Application.objects.filter(season=season).count() >= 5
    assert Application.objects.filter(season=season).values("association").distinct().count() >= 3
