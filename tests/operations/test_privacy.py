"""Erasing personal data (operations.privacy): people and associations go, the house's history stays."""

from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token

from associations import services
from associations.models import Association, Invitation, Membership
from audit.models import AuditEntry
from booking.forms import BookingForm
from booking.models import Booking, CoHost, Occurrence, Status
from operations import privacy
from tests.factories import PASSWORD, BookingFactory, OccurrenceFactory, UserFactory
from tests.stats.conftest import HEL, book

pytestmark = pytest.mark.django_db

User = get_user_model()


def usage(api, start="2025-03-01", end="2025-03-31") -> dict:
    response = api().get("/api/v1/stats/usage", {"start": start, "end": end})
    assert response.status_code == 200, response.content
    return {a["name"]: (a["booked_hours"], a["events"]) for a in response.json()["associations"]}


def coming(association, room, days=7, **booking):
    """A confirmed two-hour booking `days` from now, 10-12 Helsinki time."""
    start = (timezone.now().astimezone(HEL) + timedelta(days=days)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    item = BookingFactory(
        association=association, room=room, start=start, end=start + timedelta(hours=2), **booking
    )
    return OccurrenceFactory(booking=item)


# erase_user


def test_it_deletes_the_user_and_keeps_their_bookings(api, users, association, room):
    member = users.member
    booking = book(association, room, "2025-03-04 10:00", "2025-03-04 12:00", created_by=member).booking
    EmailAddress.objects.create(user=member, email="member@example.org", primary=True, verified=True)
    Token.objects.create(user=member)
    Invitation.objects.create(association=association, email="member@example.org", accepted_by=member)
    before = usage(api)

    summary = privacy.erase_user(member, actor=member)

    assert not User.objects.filter(username="member").exists()
    assert not EmailAddress.objects.filter(email="member@example.org").exists()
    assert not Token.objects.filter(user_id=member.pk).exists()
    assert not Membership.objects.filter(user_id=member.pk).exists()
    assert not Invitation.objects.filter(email="member@example.org").exists()
    booking.refresh_from_db()
    assert booking.created_by is None
    assert usage(api) == before == {association.name: (2.0, 1)}
    assert summary["memberships"] == 1 and summary["email_addresses"] == 1
    assert AuditEntry.objects.filter(action="user.erased", actor=None).exists()


def test_it_scrubs_the_name_and_address_from_the_audit_trail(users, association):
    invited = AuditEntry.objects.create(
        action="membership.invited", association=association, message="member@example.org"
    )
    removed = AuditEntry.objects.create(
        action="membership.removed", association=association, message="member"
    )
    in_data = AuditEntry.objects.create(action="x", data={"who": "Member", "n": 1})
    unrelated = AuditEntry.objects.create(action="booking.cancelled", message="Remembered: no members today")

    privacy.erase_user(users.member, actor=users.coordinator)

    for entry in (invited, removed, in_data, unrelated):
        entry.refresh_from_db()
    assert invited.message == removed.message == privacy.ERASED_USER
    assert in_data.data == {"who": privacy.ERASED_USER, "n": 1}
    assert unrelated.message == "Remembered: no members today"
    assert AuditEntry.objects.get(action="user.erased").actor == users.coordinator


def test_it_refuses_the_last_admin_of_an_association_with_members(users, association):
    with pytest.raises(ValidationError) as error:
        privacy.erase_user(users.admin, actor=users.admin)

    assert association.name in error.value.messages[0]
    assert User.objects.filter(username="admin").exists()
    services.admin_transfer(actor=users.admin, association=association, to_user=users.member)
    privacy.erase_user(users.admin, actor=users.admin)
    assert not User.objects.filter(username="admin").exists()


def test_the_only_member_of_an_association_may_leave_it_empty(users, other_association):
    privacy.erase_user(users.outsider)

    assert not other_association.memberships.exists()


def test_nobody_else_erases_a_user(users):
    with pytest.raises(PermissionDenied):
        privacy.erase_user(users.member, actor=users.outsider)


def test_the_command_erases_and_reports(users):
    out = StringIO()

    call_command("erase_user", "member", stdout=out)

    assert "Erased user 'member'" in out.getvalue()
    assert "memberships: 1" in out.getvalue()
    assert not User.objects.filter(username="member").exists()


def test_the_command_names_the_problem(users):
    # Commands speak the site's language (Finnish) unless told otherwise.
    with translation.override("en"), pytest.raises(CommandError, match="only admin"):
        call_command("erase_user", "admin", stdout=StringIO())
    with pytest.raises(CommandError, match="ainoa ylläpitäjä"):
        call_command("erase_user", "admin", stdout=StringIO())
    with pytest.raises(CommandError, match="No user"):
        call_command("erase_user", "nobody", stdout=StringIO())


# /my/delete/


def test_the_page_explains_what_is_removed_and_kept(client, users):
    client.force_login(users.member)

    response = client.get("/my/delete/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "What is kept" in response.text
    assert 'autocomplete="current-password"' in response.text


def test_the_my_page_links_to_it(client, users):
    client.force_login(users.member)
    assert 'href="/my/delete/"' in client.get("/my/").text


def test_it_deletes_my_account_with_my_password(client, users):
    client.force_login(users.member)

    response = client.post("/my/delete/", {"password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/"
    assert not User.objects.filter(username="member").exists()
    assert client.get("/my/").status_code == 302  # signed out


def test_a_wrong_password_deletes_nothing(client, users):
    client.force_login(users.member)

    response = client.post("/my/delete/", {"password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.context["form"].errors["password"] == ["The password is not correct."]
    assert 'id="id_password_error"' in response.text
    assert User.objects.filter(username="member").exists()


def test_the_last_admin_is_told_to_hand_over_first(client, users, association):
    client.force_login(users.admin)

    page = client.get("/my/delete/", HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/my/delete/", {"password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")

    assert "Make another member its admin first." in page.text
    assert response.status_code == 400
    assert User.objects.filter(username="admin").exists()


def test_it_requires_sign_in(client, db):
    response = client.get("/my/delete/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# erase_association


@pytest.fixture
def history(association, other_association, room):
    """A past public event, a past private one, a joint event hosted by the other association."""
    public = book(
        association, room, "2025-03-04 10:00", "2025-03-04 12:00", description="Call Matti 040 123"
    ).booking
    private = book(association, room, "2025-03-05 10:00", "2025-03-05 13:00", is_public=False).booking
    joint = book(
        other_association,
        room,
        "2025-03-06 10:00",
        "2025-03-06 11:00",
        cohosts=[(association, CoHost.Status.ACCEPTED)],
    ).booking
    return public, private, joint


def test_it_keeps_the_history_under_a_placeholder_name(api, users, association, other_association, history):
    public, private, joint = history
    assert usage(api)[association.name] == (6.0, 3)

    privacy.erase_association(association, actor=users.coordinator)

    association.refresh_from_db()
    placeholder = f"Poistettu yhdistys {association.pk}"
    assert association.name == placeholder
    assert association.slug == f"removed-{association.pk}"
    assert association.status == Association.Status.REMOVED
    erased = [association.description, association.contact_email, association.website]
    assert erased + [association.business_id] == ["", "", "", ""]
    figures = usage(api)
    assert figures[placeholder] == (6.0, 3)
    assert figures[other_association.name] == (1.0, 1)
    assert CoHost.objects.get(booking=joint).status == CoHost.Status.ACCEPTED
    public.refresh_from_db()
    private.refresh_from_db()
    assert public.title.startswith("Kerhoilta") and public.description == ""
    assert private.title == privacy.PRIVATE_TITLE
    assert Booking.objects.filter(association=association).count() == 2


def test_it_removes_members_and_invitations_but_not_their_accounts(users, association):
    Invitation.objects.create(association=association, email="new@example.org")

    privacy.erase_association(association, actor=users.coordinator)

    assert not Membership.objects.filter(association=association).exists()
    assert not Invitation.objects.filter(association=association).exists()
    assert User.objects.filter(username__in=["admin", "member"]).count() == 2
    assert AuditEntry.objects.filter(action="association.erased", association=association).exists()


def test_it_frees_the_rooms_of_its_coming_dates(api, users, association, other_association, room):
    occurrence = coming(association, room)

    summary = privacy.erase_association(association, actor=users.coordinator)

    occurrence.refresh_from_db()
    assert occurrence.status == Status.CANCELLED
    assert summary["dates_cancelled"] == 1
    response = api(users.outsider).post(
        "/api/v1/bookings",
        {
            "association": other_association.pk,
            "room": room.pk,
            "title": "Kuoroharjoitus",
            "start": occurrence.start.isoformat(),
            "end": occurrence.end.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content


def test_it_hides_the_association_everywhere(client, api, users, association):
    privacy.erase_association(association, actor=users.coordinator)
    association.refresh_from_db()

    assert association.name not in client.get("/associations/").text
    ids = [a["id"] for a in api().get("/api/v1/associations").json()["results"]]
    assert association.pk not in ids
    assert association not in BookingForm(user=users.coordinator).fields["association"].queryset
    assert client.get(association.get_absolute_url()).status_code == 404


def test_an_erased_association_cannot_book(api, users, association, room):
    privacy.erase_association(association, actor=users.coordinator)
    start = (timezone.now() + timedelta(days=3)).astimezone(HEL).replace(hour=10, minute=0, second=0)

    response = api(users.coordinator).post(
        "/api/v1/bookings",
        {
            "association": association.pk,
            "room": room.pk,
            "title": "Ei",
            "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
        },
        format="json",
    )

    assert response.status_code in (400, 403)
    assert not Occurrence.objects.filter(booking__association=association).exists()


@pytest.mark.parametrize("role", ["admin", "member", "outsider"])
def test_only_coordinators_erase(users, association, role):
    with pytest.raises(PermissionDenied):
        privacy.erase_association(association, actor=getattr(users, role))


# /coordinator/associations/<slug>/erase/


@pytest.mark.parametrize("role", ["admin", "member", "outsider"])
def test_the_erase_page_refuses_everyone_but_coordinators(client, users, association, role):
    client.force_login(getattr(users, role))

    assert client.get("/coordinator/associations/elakelaiset/erase/").status_code == 403
    assert client.post("/coordinator/associations/elakelaiset/erase/", {"confirm": "on"}).status_code == 403
    association.refresh_from_db()
    assert association.status == Association.Status.APPROVED


def test_the_erase_page_sends_anonymous_to_sign_in(client, association):
    response = client.get("/coordinator/associations/elakelaiset/erase/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_coordinator_confirms_the_erasure(client, users, association):
    client.force_login(users.coordinator)

    page = client.get("/coordinator/associations/elakelaiset/erase/", HTTP_ACCEPT_LANGUAGE="en")
    unconfirmed = client.post("/coordinator/associations/elakelaiset/erase/", HTTP_ACCEPT_LANGUAGE="en")
    assert Association.objects.get(pk=association.pk).status == Association.Status.APPROVED
    confirmed = client.post("/coordinator/associations/elakelaiset/erase/", {"confirm": "on"})

    assert page.status_code == 200 and "What is kept" in page.text
    assert unconfirmed.status_code == 400
    assert 'id="id_confirm_error"' in unconfirmed.text
    assert confirmed.status_code == 302
    assert Association.objects.get(pk=association.pk).status == Association.Status.REMOVED
    assert client.get(f"/coordinator/associations/removed-{association.pk}/erase/").status_code == 404


def test_the_detail_page_links_coordinators_to_it(client, users, association):
    client.force_login(users.coordinator)
    page = client.get("/associations/elakelaiset/").text
    assert 'href="/coordinator/associations/elakelaiset/erase/"' in page
    client.force_login(users.admin)
    assert "/erase/" not in client.get("/associations/elakelaiset/").text


# Django admin


@pytest.fixture
def root(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_admin_delete_erases_an_association_with_bookings(root, association, history):
    url = f"/admin/associations/association/{association.pk}/delete/"

    assert root.get(url).status_code == 200
    response = root.post(url, {"post": "yes"})

    assert response.status_code == 302
    association.refresh_from_db()
    assert association.status == Association.Status.REMOVED
    assert Booking.objects.filter(association=association).count() == 2


def test_admin_bulk_delete_erases(root, association, other_association):
    data = {"action": "delete_selected", "_selected_action": [association.pk, other_association.pk]}

    assert root.post("/admin/associations/association/", data).status_code == 200
    response = root.post("/admin/associations/association/", {**data, "post": "yes"})

    assert response.status_code == 302
    assert Association.objects.filter(status=Association.Status.REMOVED).count() == 2


def test_admin_delete_of_a_user_erases_them(root, users, association):
    url = f"/admin/auth/user/{users.member.pk}/delete/"

    assert root.get(url).status_code == 200
    response = root.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(username="member").exists()
    assert not Membership.objects.filter(association=association, user_id=users.member.pk).exists()


def test_admin_refuses_to_delete_the_last_admin(root, users):
    response = root.post(f"/admin/auth/user/{users.admin.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert response["Location"].endswith(f"/admin/auth/user/{users.admin.pk}/change/")
    assert User.objects.filter(username="admin").exists()


def test_admin_bulk_delete_names_the_last_admin(root, users):
    data = {"action": "delete_selected", "_selected_action": [users.admin.pk], "post": "yes"}

    response = root.post("/admin/auth/user/", data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "only admin" in response.text
    assert User.objects.filter(username="admin").exists()


def test_a_joint_event_still_counts_for_both_hosts(api, users, association, other_association, history):
    privacy.erase_association(other_association, actor=users.coordinator)
    other_association.refresh_from_db()

    figures = usage(api)

    assert figures[other_association.name] == (1.0, 1)
    assert figures[association.name] == (6.0, 3)
