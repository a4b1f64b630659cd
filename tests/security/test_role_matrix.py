"""Every URL of the project, GET and POST, as each role: no 500 for anyone, and each role
reaches only what it may.

The URLs come from the URLconf itself (see conftest.all_routes), so a new page is covered
the day it lands: it must not answer 500, and unless it is named in PUBLIC below it must
refuse anonymous visitors.
"""

from __future__ import annotations

import pytest
from django.test import Client

from associations.models import Association, Invitation, Membership
from booking.models import Booking, CoHost, Occurrence
from seasons.models import Application, Season
from venues.models import Closure

from .conftest import all_routes, build_url

LOGIN_PATHS = ("/accounts/login/", "/admin/login/")

# Pages and endpoints anyone may open (CONTRACT.md: public GETs need no login).
PUBLIC = {
    "home",
    "healthz",
    "schema",
    "set_language",
    "admin:login",
    "associations:list",
    "associations:detail",
    "associations:invitation",  # shows who invites; accepting needs a login
    "booking:find_room",  # which rooms are free is public (the API says it too); booking needs a login
    "api-associations",
    "api-events",
    "api-municipalities",
    "api-rooms",
    "api-venues",
    "stats-usage",
    "seasons:list",
    "seasons:detail",
    "api-seasons",
    "api-season",
}
PUBLIC_NAMESPACES = {"calendar", "stats", "venues", "linkedevents", "reach"}


def is_public(route) -> bool:
    # allauth's own pages (sign-in, sign-up, password reset, OpenID Connect) are allauth's business.
    return (
        route.name in PUBLIC
        or route.namespace in PUBLIC_NAMESPACES
        or route.name.startswith(("account_", "socialaccount_", "openid_connect_"))
    )


def is_coordinator_only(route) -> bool:
    return route.route.startswith("coordinator/") or route.name == "admin:index"


# Pages about `world.association` that only its admins (and coordinators) may use.
ASSOCIATION_ADMIN_ONLY = {
    "associations:members",
    "associations:member_remove",
    "associations:member_make_admin",
}
# Pages about its private booking: its members (and coordinators) only.
BOOKING_MEMBERS_ONLY = {
    "booking:detail",
    "booking:edit",
    "booking:cancel",
    "booking:move",
    "booking:attendance",
    "api-booking",
    "api-booking-cancel",
    "api-booking-attendance",
}
# Answering the co-host invitation of the third association: none of our roles but the coordinator.
COHOST_ADMIN_ONLY = {"booking:cohost_answer", "api-cohost-accept", "api-cohost-decline"}

REFUSED_GET = {401, 403, 404, 405}
# A refused POST may also come back to the page it came from (302) or name bad input (400);
# the state snapshot below proves nothing changed.
REFUSED_POST = {302, 400, 401, 403, 404, 405, 410}

ROLES = ["anonymous", "outsider", "member", "admin", "coordinator", "foreign_coordinator"]

# The desk's pages about one booking of the world's house, and erasing an association
# (its dates lie in every municipality): refused to a coordinator of another municipality.
DESK_BOOKING_PAGES = {"desk:booking", "desk:approve", "desk:decline", "desk:propose", "desk:conflict_approve"}
NATIONAL_ONLY = {"operations:erase"}


def refused_for(role: str, route) -> bool:
    if role == "coordinator":
        return False
    if role == "foreign_coordinator":
        # A coordinator, but of another municipality: nothing of the world's house is theirs.
        # Associations are no municipality's (any coordinator approves them), so those pages stay open.
        return route.name in (BOOKING_MEMBERS_ONLY | COHOST_ADMIN_ONLY | DESK_BOOKING_PAGES | NATIONAL_ONLY)
    if role == "anonymous":
        return not is_public(route)
    if is_coordinator_only(route) or route.name in COHOST_ADMIN_ONLY:
        return True
    if role in ("outsider", "member") and route.name in ASSOCIATION_ADMIN_ONLY:
        return True
    if role == "outsider" and route.name in BOOKING_MEMBERS_ONLY:
        return True
    return False


def snapshot(world, role: str) -> dict:
    """What the role must not be able to change, whatever it POSTs."""
    if role == "coordinator":
        return {}
    association = world.association
    state = {
        "cohosts": sorted(CoHost.objects.values_list("booking_id", "association_id", "status")),
        "closures": sorted(Closure.objects.values_list("venue_id", "start", "end")),
    }
    if role != "foreign_coordinator":  # may approve or edit associations: they are no one's municipality's
        state["association"] = (
            Association.objects.filter(pk=association.pk).values_list("status", "name").first()
        )
    if role in ("anonymous", "outsider", "member"):
        state["memberships"] = sorted(
            Membership.objects.filter(association=association).values_list("user_id", "role")
        )
        state["invitations"] = sorted(
            Invitation.objects.filter(association=association).values_list("email", "accepted_at")
        )
    if role in ("anonymous", "outsider", "foreign_coordinator"):
        state["bookings"] = sorted(
            Booking.objects.filter(association=association).values_list("pk", "status", "title", "room_id")
        )
        state["season_applications"] = sorted(
            Application.objects.filter(association=association).values_list("pk", "title", "status")
        )
        state["seasons"] = sorted(Season.objects.values_list("pk", "phase"))
        state["occurrences"] = sorted(
            Occurrence.objects.filter(booking__association=association).values_list(
                "pk", "status", "start", "end", "room_id"
            )
        )
    return state


def client_for(world, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(getattr(world.users, role))
    return client


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN_PATHS)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_only_what_it_may(world, role):
    client = client_for(world, role)
    before = snapshot(world, role)
    problems, unreachable = [], []
    routes = all_routes()
    assert len(routes) > 30, "the URLconf walk found too few routes"
    for route in routes:
        url = build_url(route, world)
        if url is None:
            unreachable.append(route.name)
            continue
        refused = refused_for(role, route)
        # Signing out would turn the rest of the walk anonymous.
        methods = ("get",) if route.name == "account_logout" else ("get", "post")
        for method in methods:
            response = getattr(client, method)(url)
            status = response.status_code
            where = f"{method.upper()} {url} ({route.name}) as {role}: {status}"
            if status >= 500:
                problems.append(f"{where} - server error")
            elif not refused:
                continue
            elif role == "anonymous":
                if not (_is_login_redirect(response) or status in REFUSED_GET):
                    problems.append(f"{where} - anonymous must be sent to sign in or refused")
            elif method == "get":
                if not (status in REFUSED_GET or _is_login_redirect(response)):
                    problems.append(f"{where} - must be refused (403/404)")
            elif status not in REFUSED_POST:
                problems.append(f"{where} - must be refused")
    assert not problems, "\n".join(problems)
    assert not unreachable, f"no URL could be built for {unreachable}: teach conftest._param_values"
    assert snapshot(world, role) == before, f"{role} changed what they may not change"
