"""Coordinators of a municipality (or of one village hall) see and decide only what is theirs.

`region` (tests/conftest.py): Joutsa owns the house of `venue`, Luhanka a village hall and a
school. The plain `users.coordinator` has no scope rows and keeps installation-wide power.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from booking.models import Status
from booking.services import booking_approve, booking_create, booking_decline
from desk.services import closure_create, proposal_create
from tests.conftest import api_client_for
from venues.models import Closure

pytestmark = [pytest.mark.django_db]

HEL = ZoneInfo("Europe/Helsinki")


def at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour)).replace(tzinfo=HEL)


def _request(users, association, room, days=5):
    """A pending request of `association` for an approval room."""
    return booking_create(
        actor=users.admin,
        association=association,
        room=room,
        title="Kuorotreenit",
        start=at(days, 10),
        end=at(days, 12),
    ).booking


@pytest.fixture
def joutsa_request(users, association, region):
    return _request(users, association, region.approval_room)


@pytest.fixture
def luhanka_request(users, association, region):
    # Associations book across municipalities: Joutsa's pensioners in Luhanka's hall.
    return _request(users, association, region.hall_room)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the desk ---------------------------------------------------------------------------


def test_the_inbox_lists_only_the_coordinators_own_requests(region, joutsa_request, luhanka_request):
    pages = {
        who: {b.pk for b in client_of(getattr(region, who)).get("/coordinator/").context["page"]}
        for who in ("joutsa_coordinator", "luhanka_coordinator", "hall_coordinator")
    }
    assert pages == {
        "joutsa_coordinator": {joutsa_request.pk},
        "luhanka_coordinator": {luhanka_request.pk},
        "hall_coordinator": {luhanka_request.pk},
    }


def test_an_unscoped_coordinator_still_sees_every_request(users, region, joutsa_request, luhanka_request):
    page = client_of(users.coordinator).get("/coordinator/").context["page"]
    assert {b.pk for b in page} == {joutsa_request.pk, luhanka_request.pk}


@pytest.mark.parametrize("path", ["", "approve/", "decline/", "propose/"])
def test_another_municipalitys_booking_is_refused_on_the_desk(region, joutsa_request, path):
    client = client_of(region.luhanka_coordinator)
    url = f"/coordinator/bookings/{joutsa_request.pk}/{path}"
    response = (
        client.post(url, {"decline-reason": "Ei käy", "approve-message": ""}) if path else client.get(url)
    )
    assert response.status_code == 403
    assert joutsa_request.occurrences.get().status == Status.PENDING


def test_the_own_municipalitys_coordinator_approves(region, joutsa_request):
    date = joutsa_request.occurrences.get()
    response = client_of(region.joutsa_coordinator).post(
        f"/coordinator/bookings/{joutsa_request.pk}/approve/",
        {"approve-occurrences": [date.pk], "approve-others": "decline"},
    )
    assert response.status_code == 302
    assert joutsa_request.occurrences.get().status == Status.CONFIRMED


def test_the_services_refuse_another_municipalitys_booking(region, joutsa_request, luhanka_request):
    who = region.hall_coordinator
    with pytest.raises(PermissionDenied):
        booking_approve(actor=who, booking=joutsa_request)
    with pytest.raises(PermissionDenied):
        booking_decline(actor=who, booking=joutsa_request, reason="Ei")
    with pytest.raises(PermissionDenied):
        # Nor may they move their own request into another municipality's room.
        proposal_create(actor=who, booking=luhanka_request, room=region.room, start=at(6, 10), end=at(6, 12))
    assert booking_approve(actor=who, booking=luhanka_request)
    assert luhanka_request.occurrences.get().status == Status.CONFIRMED


def test_a_village_hall_coordinator_cannot_approve_the_schools_requests(users, association, region):
    school = region.school_room
    school.requires_approval = True
    school.save()
    request = _request(users, association, school)
    with pytest.raises(PermissionDenied):
        booking_approve(actor=region.hall_coordinator, booking=request)
    assert booking_approve(actor=region.luhanka_coordinator, booking=request)


def test_closures_only_for_the_own_venues(region):
    with pytest.raises(PermissionDenied):
        closure_create(
            actor=region.luhanka_coordinator,
            venue=region.venue,
            room=None,
            start=at(3, 8),
            end=at(3, 20),
            reason="Remontti",
        )
    # The form does not even offer (or accept) another municipality's house.
    response = client_of(region.luhanka_coordinator).post(
        "/coordinator/closures/new/",
        {
            "venue": region.venue.pk,
            "start": "2030-01-01T08:00",
            "end": "2030-01-01T20:00",
            "reason": "Remontti",
        },
    )
    assert response.status_code == 400
    assert "venue" in response.context["form"].errors
    assert not Closure.objects.exists()
    closure_create(
        actor=region.hall_coordinator,
        venue=region.hall,
        room=None,
        start=at(3, 8),
        end=at(3, 20),
        reason="Talkoot",
    )
    assert Closure.objects.get().venue == region.hall


# --- booking for associations -------------------------------------------------------------


def test_a_coordinator_books_for_any_association_in_the_own_venues_only(region, other_association):
    api = api_client_for(region.luhanka_coordinator)
    body = {
        "association": other_association.pk,
        "title": "Paperihakemus",
        "start": at(8, 10).isoformat(),
        "end": at(8, 11).isoformat(),
    }
    assert (
        api.post("/api/v1/bookings", {**body, "room": region.school_room.pk}, format="json").status_code
        == 201
    )
    assert api.post("/api/v1/bookings", {**body, "room": region.room.pk}, format="json").status_code == 403


def test_another_municipalitys_private_booking_is_not_shown(region, users, association):
    private = booking_create(
        actor=users.admin,
        association=association,
        room=region.room,
        title="Hallituksen kokous",
        start=at(4, 18),
        end=at(4, 19),
        is_public=False,
    ).booking
    assert api_client_for(region.luhanka_coordinator).get(f"/api/v1/bookings/{private.pk}").status_code in (
        403,
        404,
    )
    assert api_client_for(region.joutsa_coordinator).get(f"/api/v1/bookings/{private.pk}").status_code == 200
    assert api_client_for(users.coordinator).get(f"/api/v1/bookings/{private.pk}").status_code == 200


def test_any_coordinator_approves_associations(region):
    from associations.permissions import can_manage
    from tests.factories import AssociationFactory

    # Associations are no municipality's: they book everywhere, so any coordinator vets them.
    newcomer = AssociationFactory(status="pending")
    assert can_manage(region.hall_coordinator, newcomer)


def test_me_still_says_coordinator(region):
    body = api_client_for(region.hall_coordinator).get("/api/v1/me").json()
    assert body["is_coordinator"] is True


# --- the Django admin -----------------------------------------------------------------------


@pytest.fixture
def staff_admin(region):
    """The Luhanka coordinator with the model permissions a municipality's officer is given."""
    who = region.luhanka_coordinator
    who.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["venues", "booking"]))
    return client_of(who)


def test_the_admin_lists_only_the_own_venues_and_rooms(staff_admin, region):
    venues = staff_admin.get("/admin/venues/venue/")
    assert venues.status_code == 200
    assert set(venues.context["cl"].result_list) == {region.hall, region.school}
    rooms = staff_admin.get("/admin/venues/room/")
    assert set(rooms.context["cl"].result_list) == {region.hall_room, region.school_room}


def test_the_admin_refuses_another_municipalitys_venue(staff_admin, region):
    for url in (
        f"/admin/venues/venue/{region.venue.pk}/change/",
        f"/admin/venues/room/{region.room.pk}/change/",
    ):
        response = staff_admin.get(url)
        # Django answers an object outside get_queryset by sending to the index with a message.
        assert response.status_code in (302, 403, 404)
    response = staff_admin.post(
        f"/admin/venues/room/{region.room.pk}/change/", {"name": "Kaapattu", "venue": region.hall.pk}
    )
    region.room.refresh_from_db()
    assert region.room.name == "Sali"


def test_the_admin_offers_only_the_own_venues_for_a_room(staff_admin, region):
    form = staff_admin.get("/admin/venues/room/add/").context["adminform"].form
    assert set(form.fields["venue"].queryset) == {region.hall, region.school}


def test_only_national_coordinators_edit_municipalities(staff_admin, users, region):
    assert (
        staff_admin.get(f"/admin/venues/municipality/{region.joutsa.pk}/change/").context[
            "has_change_permission"
        ]
        is False
    )
    national = users.coordinator
    national.is_superuser = True
    national.save()
    response = client_of(national).get(f"/admin/venues/municipality/{region.joutsa.pk}/change/")
    assert response.context["has_change_permission"] is True


def test_the_audit_trail_shows_only_the_own_venues_bookings(region, joutsa_request, luhanka_request):
    entries = client_of(region.luhanka_coordinator).get("/coordinator/audit/").context["page"]
    bookings = {e.booking_id for e in entries}
    assert luhanka_request.pk in bookings
    assert joutsa_request.pk not in bookings


def test_the_proposal_form_offers_only_the_own_rooms(region, luhanka_request):
    page = client_of(region.hall_coordinator).get(f"/coordinator/bookings/{luhanka_request.pk}/")
    assert set(page.context["propose_form"].fields["room"].queryset) == {region.hall_room}
    response = client_of(region.hall_coordinator).post(
        f"/coordinator/bookings/{luhanka_request.pk}/propose/",
        {
            "propose-room": region.room.pk,
            "propose-start": "2030-01-02T10:00",
            "propose-end": "2030-01-02T12:00",
        },
    )
    assert response.status_code == 400
    assert "room" in response.context["propose_form"].errors
