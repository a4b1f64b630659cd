"""venues/permissions.py: who coordinates which venues.

Scope rows only narrow: an unscoped coordinator (every coordinator before municipalities)
and a superuser coordinate everything; a row names a municipality or one venue.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from tests.factories import UserFactory, VenueFactory
from venues.models import CoordinatorScope, Venue
from venues.permissions import (
    coordinated_q,
    coordinated_venue_ids,
    coordinates_all,
    forget,
    is_coordinator,
    may_coordinate,
)

pytestmark = [pytest.mark.django_db]


def test_an_unscoped_coordinator_coordinates_everything(users, region):
    assert coordinated_venue_ids(users.coordinator) is None
    assert coordinates_all(users.coordinator)
    for venue in (region.venue, region.hall, region.school):
        assert may_coordinate(users.coordinator, venue.pk)
    assert may_coordinate(users.coordinator, None)  # an off-site booking


def test_a_superuser_coordinates_everything_even_with_scope_rows(region):
    national = UserFactory(is_staff=True, is_superuser=True)
    CoordinatorScope.objects.create(user=national, venue=region.hall)
    assert coordinates_all(national)
    assert may_coordinate(national, region.venue.pk)


def test_a_municipality_row_gives_its_venues_and_no_others(region):
    who = region.luhanka_coordinator
    assert coordinated_venue_ids(who) == {region.hall.pk, region.school.pk}
    assert may_coordinate(who, region.hall.pk)
    assert not may_coordinate(who, region.venue.pk)
    assert not may_coordinate(who, None)  # off-site dates are for the national coordinators
    assert not coordinates_all(who)
    assert is_coordinator(who)


def test_a_venue_row_gives_that_venue_only(region):
    who = region.hall_coordinator
    assert coordinated_venue_ids(who) == {region.hall.pk}
    assert not may_coordinate(who, region.school.pk)


def test_a_new_venue_of_the_municipality_is_covered(region):
    who = region.luhanka_coordinator
    new = VenueFactory(municipality=region.luhanka)
    forget(who)
    assert may_coordinate(who, new.pk)


def test_non_coordinators_coordinate_nothing(users, region):
    for who in (AnonymousUser(), users.admin, users.member, users.outsider):
        assert coordinated_venue_ids(who) == frozenset()
        assert not may_coordinate(who, region.venue.pk)
        assert not may_coordinate(who, None)
    # A scope row alone makes no one a coordinator: the staff flag does.
    CoordinatorScope.objects.create(user=users.member, venue=region.venue)
    assert not may_coordinate(users.member, region.venue.pk)


def test_an_inactive_coordinator_coordinates_nothing(users, region):
    users.coordinator.is_active = False
    assert not may_coordinate(users.coordinator, region.venue.pk)


def test_the_answer_is_read_once_per_user(region, django_assert_num_queries):
    who = region.luhanka_coordinator
    with django_assert_num_queries(2):  # the scope rows, the municipality's venues
        may_coordinate(who, region.hall.pk)
        may_coordinate(who, region.venue.pk)
        coordinated_venue_ids(who)


def test_the_filter_keeps_the_coordinated_venues(users, region):
    assert set(Venue.objects.filter(coordinated_q(region.luhanka_coordinator))) == {
        region.hall,
        region.school,
    }
    assert set(Venue.objects.filter(coordinated_q(users.coordinator))) == {
        region.venue,
        region.hall,
        region.school,
    }
    assert not Venue.objects.filter(coordinated_q(users.outsider)).exists()


def test_a_scope_row_names_exactly_one_thing(region):
    with pytest.raises(IntegrityError), transaction.atomic():
        CoordinatorScope.objects.create(user=region.hall_coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        CoordinatorScope.objects.create(
            user=region.hall_coordinator, municipality=region.luhanka, venue=region.hall
        )
