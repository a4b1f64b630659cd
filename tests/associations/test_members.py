import pytest

from associations.models import Invitation, Membership
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_an_admin_sees_the_members(client, users, association, django_assert_max_num_queries):
    client.force_login(users.admin)
    with django_assert_max_num_queries(8):
        response = client.get("/associations/elakelaiset/members/")
    assert response.status_code == 200
    assert "member" in response.text
    assert "outsider" not in response.text


def test_a_coordinator_may_manage(client, users, association):
    client.force_login(users.coordinator)
    response = client.get("/associations/elakelaiset/members/")
    assert response.status_code == 200
    listed = {m.user.username for m in response.context["memberships"]}
    assert listed == {"admin", "member"}


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_others_are_refused(client, users, association, who):
    client.force_login(getattr(users, who))
    member = Membership.objects.get(user=users.member)
    admin = Membership.objects.get(user=users.admin)
    assert client.get("/associations/elakelaiset/members/").status_code == 403
    assert client.post("/associations/elakelaiset/members/", {"email": "x@example.org"}).status_code == 403
    assert client.post(f"/associations/elakelaiset/members/{member.pk}/make-admin/").status_code == 403
    assert client.post(f"/associations/elakelaiset/members/{admin.pk}/remove/").status_code == 403
    assert Membership.objects.get(pk=admin.pk).role == "admin"
    assert not Invitation.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, association):
    response = client.get("/associations/elakelaiset/members/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_invites_by_email(client, users, association, django_capture_on_commit_callbacks, mailoutbox):
    client.force_login(users.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/associations/elakelaiset/members/", {"email": "uusi@example.org", "role": "member"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="uusi@example.org")
    assert invitation.invited_by == users.admin
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["uusi@example.org"]
    assert f"/invitations/{invitation.token}/" in mailoutbox[0].body
    assert AuditEntry.objects.filter(action="membership.invited").exists()


def test_inviting_again_replaces_the_open_invitation(client, users, association):
    client.force_login(users.admin)
    client.post("/associations/elakelaiset/members/", {"email": "uusi@example.org", "role": "member"})
    old = Invitation.objects.get().token
    client.post("/associations/elakelaiset/members/", {"email": "uusi@example.org", "role": "admin"})
    invitation = Invitation.objects.get()
    assert invitation.token != old
    assert invitation.role == "admin"


def test_bad_invitation_input_is_shown_next_to_the_field(client, users, association):
    client.force_login(users.admin)
    response = client.post("/associations/elakelaiset/members/", {"email": "ei-osoite", "role": "boss"})
    assert response.status_code == 400
    assert 'id="id_email_error"' in response.text
    assert 'id="id_role_error"' in response.text
    assert 'aria-invalid="true"' in response.text


def test_inviting_a_member_is_an_error_on_the_email(client, users, association):
    client.force_login(users.admin)
    response = client.post(
        "/associations/elakelaiset/members/", {"email": users.member.email, "role": "member"}
    )
    assert response.status_code == 400
    assert 'id="id_email_error"' in response.text


def test_it_removes_a_member(client, users, association):
    client.force_login(users.admin)
    membership = Membership.objects.get(user=users.member)
    response = client.post(f"/associations/elakelaiset/members/{membership.pk}/remove/")
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEntry.objects.filter(action="membership.removed", association=association).exists()


def test_a_member_may_leave(client, users, association):
    client.force_login(users.member)
    membership = Membership.objects.get(user=users.member)
    response = client.post(f"/associations/elakelaiset/members/{membership.pk}/remove/")
    assert response.status_code == 302
    assert response.url == "/my/"
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_admin_cannot_be_removed(client, users, association):
    client.force_login(users.admin)
    membership = Membership.objects.get(user=users.admin)
    response = client.post(
        f"/associations/elakelaiset/members/{membership.pk}/remove/", follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert any("at least one admin" in str(m) for m in response.context["messages"])


def test_it_hands_the_admin_role_over(client, users, association):
    client.force_login(users.admin)
    membership = Membership.objects.get(user=users.member)
    response = client.post(f"/associations/elakelaiset/members/{membership.pk}/make-admin/")
    assert response.status_code == 302
    assert response.url == "/my/"  # the former admin cannot manage any more
    assert Membership.objects.get(user=users.member).role == "admin"
    assert Membership.objects.get(user=users.admin, association=association).role == "member"


def test_a_coordinator_promotes_without_demoting_anyone(client, users, association):
    client.force_login(users.coordinator)
    membership = Membership.objects.get(user=users.member)
    client.post(f"/associations/elakelaiset/members/{membership.pk}/make-admin/")
    roles = dict(association.memberships.values_list("user__username", "role"))
    assert roles == {"admin": "admin", "member": "admin"}


def test_a_membership_of_another_association_is_404(client, users, association):
    client.force_login(users.admin)
    foreign = Membership.objects.get(user=users.outsider)
    assert client.post(f"/associations/elakelaiset/members/{foreign.pk}/remove/").status_code == 404
    assert client.post(f"/associations/elakelaiset/members/{foreign.pk}/make-admin/").status_code == 404
    assert client.post("/associations/elakelaiset/members/abc/remove/").status_code == 404
