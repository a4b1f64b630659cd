"""A small world with one object behind every URL parameter, and every URL of the project."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta
from types import SimpleNamespace

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from associations.models import Invitation
from booking.models import CoHost
from seasons import services
from venues.models import CoordinatorScope

from ..factories import (
    AssociationFactory,
    BookingFactory,
    CoHostFactory,
    MembershipFactory,
    MunicipalityFactory,
    OccurrenceFactory,
    UserFactory,
    VenueFactory,
)


@pytest.fixture
def world(users, venue, room, approval_room, association, other_association):
    """Users of every role; a private booking of `association`, a third association invited to co-host it.

    The outsider (admin of `other_association`) has no tie to the booking, so every page about it
    must refuse them.
    """
    start = (timezone.now() + timedelta(days=14)).replace(hour=10, minute=0, second=0, microsecond=0)
    booking = BookingFactory(
        association=association, room=room, start=start, end=start + timedelta(hours=2), is_public=False
    )
    occurrence = OccurrenceFactory(booking=booking)
    public_booking = BookingFactory(
        association=association,
        room=room,
        start=start + timedelta(days=1),
        end=start + timedelta(days=1, hours=2),
    )
    public_occurrence = OccurrenceFactory(booking=public_booking)
    cohost_association = AssociationFactory(name="Joutsan Kuoro ry", slug="kuoro")
    CoHostFactory(booking=booking, association=cohost_association, status=CoHost.Status.INVITED)
    # The invitation link is a bearer secret: whoever opens it may join. It invites to an
    # association of its own, so following it gives no role any right over the booking above.
    invitation = Invitation.objects.create(
        association=AssociationFactory(name="Joutsan Lukupiiri ry", slug="lukupiiri"),
        email="new@example.org",
        invited_by=users.coordinator,
    )
    # Someone else in the association: the target of member-management URLs.
    bystander = MembershipFactory(association=association, user__username="bystander")
    season = services.season_create(
        actor=users.coordinator,
        name="Syksy",
        venue=venue,
        rooms=[room],
        start=timezone.localdate() + timedelta(days=30),
        end=timezone.localdate() + timedelta(days=100),
        applications_close=timezone.now() + timedelta(days=7),
    )
    season_application = services.application_submit(
        actor=users.admin,
        season=season,
        association=association,
        title="Kuoro",
        group_size=10,
        wishes=[services.WishInput(room, 2, time(18), time(20))],
    )
    # The house is Joutsa's; a coordinator of Luhanka (their own house) must be refused it all.
    # The plain coordinator has no scope rows: installation-wide, as before municipalities.
    venue.municipality = MunicipalityFactory(name="Joutsa", slug="joutsa")
    venue.save()
    luhanka = MunicipalityFactory(name="Luhanka", slug="luhanka")
    VenueFactory(name="Luhangan kylätalo", slug="luhanka", municipality=luhanka)
    users.foreign_coordinator = UserFactory(username="luhanka-coordinator", is_staff=True)
    CoordinatorScope.objects.create(user=users.foreign_coordinator, municipality=luhanka)
    admin_membership = users.admin.memberships.get(association=association)
    member_membership = users.member.memberships.get(association=association)
    return SimpleNamespace(
        users=users,
        venue=venue,
        room=room,
        approval_room=approval_room,
        association=association,
        other_association=other_association,
        cohost_association=cohost_association,
        booking=booking,
        occurrence=occurrence,
        public_booking=public_booking,
        public_occurrence=public_occurrence,
        invitation=invitation,
        admin_membership=admin_membership,
        member_membership=member_membership,
        bystander_membership=bystander,
        season=season,
        season_application=season_application,
    )


@dataclass
class Route:
    name: str  # "namespace:name"
    route: str  # the pattern, for messages
    params: list[str] = field(default_factory=list)

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]


def _params(pattern) -> list[str]:
    return list(getattr(pattern, "converters", {}) or {}) or list(pattern.regex.groupindex)


def _walk(patterns, namespace: str = "", prefix: str = "", outer: tuple[str, ...] = ()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            # A resolver's own parameters (allauth's oidc/<provider_id>/) belong to every route below it.
            inner = outer + tuple(_params(entry.pattern))
            yield from _walk(entry.url_patterns, full_ns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            pattern = entry.pattern
            params = [*outer, *_params(pattern)]
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(name=name, route=prefix + str(pattern), params=params)


def all_routes() -> list[Route]:
    """Every named URL of the project, the Django admin's model pages left out (Django's own)."""
    routes = {}
    for route in _walk(get_resolver().url_patterns):
        if route.namespace == "admin" and route.name not in ("admin:index", "admin:login"):
            continue
        routes.setdefault(route.name, route)
    return sorted(routes.values(), key=lambda r: r.name)


def _param_values(route: Route, world) -> dict[str, object]:
    """The object from `world` each parameter most likely names, by its name and the URL's."""
    name = route.name
    by_param = {
        "slug": world.venue.slug if name.startswith("venues:") else world.association.slug,
        "venue_slug": world.venue.slug,
        "room_slug": world.room.slug,
        "room_id": world.room.pk,
        "occurrence_id": world.occurrence.pk,
        "association_id": world.cohost_association.pk,
        "answer": "accept",
        "token": world.invitation.token,
        "name": "rooms",
        "application_id": world.season_application.pk,
        "provider_id": "municipality",  # tupa.oidc.PROVIDER_ID
    }
    if name.startswith("associations:member"):
        pk = world.bystander_membership.pk
    elif name.startswith("seasons:application"):
        pk = world.season_application.pk
    elif name.startswith(("seasons:", "api-season")):
        pk = world.season.pk
    elif "occurrence" in route.route.split("<int:pk>")[0] or name.endswith("conflict_approve"):
        pk = world.occurrence.pk
    else:
        pk = world.booking.pk
    by_param["pk"] = pk
    return {param: by_param.get(param, "") for param in route.params}


FALLBACKS = [1, "x", "MQ", "1-set-password", "abc-123"]


def build_url(route: Route, world) -> str | None:
    """The route's URL with parameters taken from `world`; None if no value fits its pattern."""
    values = _param_values(route, world)
    if not route.params:
        try:
            return reverse(route.name)
        except NoReverseMatch:
            return None
    unknown = [p for p, v in values.items() if v == ""]
    candidates = [values] if not unknown else [{**values, **dict.fromkeys(unknown, f)} for f in FALLBACKS]
    for kwargs in candidates:
        try:
            return reverse(route.name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None
