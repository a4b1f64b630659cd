"""The data migration gives an existing installation's venues one municipality; seed_demo names Joutsa."""

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.factories import VenueFactory
from venues.models import Municipality, Venue
from venues.permissions import coordinates_all, may_coordinate

pytestmark = [pytest.mark.django_db]

migration = importlib.import_module("venues.migrations.0003_existing_venues_in_one_municipality")


def test_existing_venues_go_to_one_municipality():
    first, second = VenueFactory(), VenueFactory()
    migration.forwards(apps, None)
    municipality = Municipality.objects.get()
    assert set(municipality.venues.all()) == {first, second}
    # Run again (or with every venue placed): nothing more is created or moved.
    migration.forwards(apps, None)
    assert Municipality.objects.count() == 1


def test_an_empty_installation_gets_no_municipality():
    migration.forwards(apps, None)
    assert not Municipality.objects.exists()


def test_the_demo_houses_are_joutsas_and_the_demo_coordinator_runs_them():
    call_command("seed_demo", stdout=StringIO())
    joutsa = Municipality.objects.get(slug="joutsa")
    assert set(Venue.objects.values_list("municipality", flat=True)) == {joutsa.pk}
    coordinator = get_user_model().objects.get(username="coordinator")
    assert coordinates_all(coordinator)
    assert all(may_coordinate(coordinator, pk) for pk in Venue.objects.values_list("pk", flat=True))
