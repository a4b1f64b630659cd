"""Shared fixtures: a house with rooms, an association, and one user of every role."""

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from associations.models import Membership
from venues.models import CoordinatorScope

from .factories import (
    AssociationFactory,
    MembershipFactory,
    MunicipalityFactory,
    RoomFactory,
    UserFactory,
    VenueFactory,
    open_every_day,
)

# The houses' time zone: every test that writes a local wall-clock time uses it.
HEL = ZoneInfo("Europe/Helsinki")
# Monday 2026-11-23 09:00 Helsinki: the tests that freeze the clock book the weeks after it.
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=HEL)


def at(day: str, hour: int, minute: int = 0) -> datetime:
    """'2026-12-01', 18 → 18:00 that day on the Helsinki wall clock."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=HEL)


@pytest.fixture
def frozen():
    """The clock stopped at NOW; the traveller moves it (`frozen.move_to(...)`)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(autouse=True)
def _skip_postgres_only(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 is slow on purpose (about 0.3 s a password here); the suite creates users in
    # nearly every test, so its hashing alone took most of the run. Production is unaffected.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # A manifest left by a local collectstatic may be stale; tests never depend on one.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    # E-mail tasks run on the spot, so tests see them in mail.outbox; the fault tests
    # (tests/faults) use the database queue and a real worker instead.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def venue(db):
    venue = VenueFactory(name="Joutsan hyvinvointitupa", slug="joutsa")
    open_every_day(venue)
    return venue


@pytest.fixture
def room(venue):
    return RoomFactory(venue=venue, name="Sali", slug="sali")


@pytest.fixture
def approval_room(venue):
    return RoomFactory(venue=venue, name="Kokoushuone", slug="kokoushuone", requires_approval=True)


@pytest.fixture
def association(db):
    return AssociationFactory(name="Joutsan Eläkeläiset ry", slug="elakelaiset")


@pytest.fixture
def other_association(db):
    return AssociationFactory(name="Joutsan Urheilijat ry", slug="urheilijat")


@pytest.fixture
def users(association, other_association):
    """coordinator, admin and member of `association`, outsider (admin of the other one)."""
    coordinator = UserFactory(username="coordinator", is_staff=True)
    admin = MembershipFactory(
        association=association, role=Membership.Role.ADMIN, user__username="admin"
    ).user
    member = MembershipFactory(association=association, user__username="member").user
    outsider = MembershipFactory(
        association=other_association, role=Membership.Role.ADMIN, user__username="outsider"
    ).user
    return SimpleNamespace(coordinator=coordinator, admin=admin, member=member, outsider=outsider)


def api_client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api():
    return api_client_for


@pytest.fixture
def region(venue, room, approval_room):
    """Two municipalities: Joutsa owns `venue`; Luhanka its village hall, with one coordinator each.

    `users.coordinator` stays unscoped (installation-wide); the village society's coordinator
    runs only the hall.
    """
    joutsa = MunicipalityFactory(name="Joutsa", slug="joutsa")
    luhanka = MunicipalityFactory(name="Luhanka", slug="luhanka")
    venue.municipality = joutsa
    venue.save()
    hall = VenueFactory(name="Luhangan kylätalo", slug="luhanka", municipality=luhanka)
    open_every_day(hall)
    hall_room = RoomFactory(venue=hall, name="Kylätalon sali", slug="sali", requires_approval=True)
    village_school = VenueFactory(name="Tammijärven koulu", slug="tammijarvi", municipality=luhanka)
    school_room = RoomFactory(venue=village_school, name="Luokka", slug="luokka")
    joutsa_coordinator = UserFactory(username="joutsa-coordinator", is_staff=True)
    luhanka_coordinator = UserFactory(username="luhanka-coordinator", is_staff=True)
    hall_coordinator = UserFactory(username="kylaseura", is_staff=True)
    CoordinatorScope.objects.create(user=joutsa_coordinator, municipality=joutsa)
    CoordinatorScope.objects.create(user=luhanka_coordinator, municipality=luhanka)
    CoordinatorScope.objects.create(user=hall_coordinator, venue=hall)
    return SimpleNamespace(
        joutsa=joutsa,
        luhanka=luhanka,
        venue=venue,
        room=room,
        approval_room=approval_room,
        hall=hall,
        hall_room=hall_room,
        school=village_school,
        school_room=school_room,
        joutsa_coordinator=joutsa_coordinator,
        luhanka_coordinator=luhanka_coordinator,
        hall_coordinator=hall_coordinator,
    )
