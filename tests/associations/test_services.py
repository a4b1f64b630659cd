"""Rules the services keep whatever calls them (web, API, admin, commands)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from associations import services
from associations.models import Association, Membership
from audit.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_only_coordinators_decide(users, pending):
    with pytest.raises(PermissionDenied):
        services.association_approve(actor=users.admin, association=pending)
    with pytest.raises(PermissionDenied):
        services.association_reject(actor=users.outsider, association=pending, reason="ei")


def test_reject_needs_a_reason(users, pending):
    with pytest.raises(ValidationError) as error:
        services.association_reject(actor=users.coordinator, association=pending, reason=" ")
    assert "reason" in error.value.message_dict


def test_approval_keeps_the_registrant_as_admin(users, pending, registrant):
    Membership.objects.filter(association=pending).delete()
    services.association_approve(actor=users.coordinator, association=pending)
    assert Membership.objects.get(association=pending, user=registrant).role == "admin"
    pending.refresh_from_db()
    assert pending.status == Association.Status.APPROVED


def test_the_last_admin_stays(users, association):
    admin = Membership.objects.get(user=users.admin)
    with pytest.raises(ValidationError):
        services.membership_remove(actor=users.coordinator, membership=admin)
    assert Membership.objects.filter(pk=admin.pk).exists()


def test_one_of_two_admins_may_go(users, association):
    services.admin_transfer(actor=users.coordinator, association=association, to_user=users.member)
    services.membership_remove(actor=users.member, membership=Membership.objects.get(user=users.admin))
    assert list(association.memberships.values_list("user__username", "role")) == [("member", "admin")]


def test_admin_role_goes_to_members_only(users, association):
    with pytest.raises(ValidationError):
        services.admin_transfer(actor=users.admin, association=association, to_user=users.outsider)
    assert Membership.objects.get(user=users.admin, association=association).role == "admin"


def test_outsiders_cannot_invite_or_remove(users, association):
    with pytest.raises(PermissionDenied):
        services.membership_invite(actor=users.outsider, association=association, email="x@example.org")
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=users.outsider, membership=Membership.objects.get(user=users.member))


def test_every_write_leaves_an_audit_row(users, association):
    newcomer = UserFactory()
    invitation = services.membership_invite(actor=users.admin, association=association, email=newcomer.email)
    services.invitation_accept(user=newcomer, token=invitation.token)
    services.admin_transfer(actor=users.admin, association=association, to_user=newcomer)
    services.membership_remove(actor=newcomer, membership=Membership.objects.get(user=users.member))
    actions = set(AuditEntry.objects.filter(association=association).values_list("action", flat=True))
    assert actions == {
        "membership.invited",
        "membership.joined",
        "membership.admin_transferred",
        "membership.removed",
    }
