import pytest

from associations.models import Association
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_it_lists_pending_associations(client, users, pending, association):
    client.force_login(users.coordinator)
    response = client.get("/coordinator/associations/")
    assert response.status_code == 200
    assert pending.name in response.text
    assert association.name not in response.text


def test_it_needs_a_bounded_number_of_queries(client, users, pending, django_assert_max_num_queries):
    from tests.factories import AssociationFactory

    AssociationFactory.create_batch(10, status=Association.Status.PENDING, created_by=users.member)
    client.force_login(users.coordinator)
    with django_assert_max_num_queries(6):
        assert client.get("/coordinator/associations/").status_code == 200


@pytest.mark.parametrize("who", ["admin", "member", "outsider"])
def test_others_are_refused(client, users, pending, who):
    client.force_login(getattr(users, who))
    assert client.get("/coordinator/associations/").status_code == 403
    assert client.post("/coordinator/associations/kylayhdistys/approve/").status_code == 403
    assert client.post("/coordinator/associations/kylayhdistys/reject/", {"reason": "x"}).status_code == 403
    pending.refresh_from_db()
    assert pending.status == Association.Status.PENDING


def test_anonymous_is_sent_to_sign_in(client, pending):
    response = client.get("/coordinator/associations/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert client.post("/coordinator/associations/kylayhdistys/approve/").status_code == 302
    pending.refresh_from_db()
    assert pending.status == Association.Status.PENDING


def test_it_approves_and_mails_the_registrant(
    client, users, pending, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(users.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/coordinator/associations/kylayhdistys/approve/", {"reason": "Tervetuloa!"})

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Association.Status.APPROVED
    assert pending.decided_by == users.coordinator
    assert pending.decided_at is not None
    assert AuditEntry.objects.get(action="association.approved").association == pending
    assert len(mailoutbox) == 1
    assert set(mailoutbox[0].to) == {"registrant@example.org", "kyla@example.org"}
    assert "Tervetuloa!" in mailoutbox[0].body


def test_it_rejects_with_a_reason_and_mails_it(
    client, users, pending, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(users.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/coordinator/associations/kylayhdistys/reject/",
            {f"a{pending.pk}-reason": "Ei toimintaa kunnassa"},
        )

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Association.Status.REJECTED
    assert pending.decision_reason == "Ei toimintaa kunnassa"
    assert AuditEntry.objects.filter(action="association.rejected", association=pending).exists()
    assert len(mailoutbox) == 1
    assert "Ei toimintaa kunnassa" in mailoutbox[0].body


def test_rejecting_needs_a_reason(client, users, pending, mailoutbox):
    client.force_login(users.coordinator)
    response = client.post("/coordinator/associations/kylayhdistys/reject/", {f"a{pending.pk}-reason": "  "})
    assert response.status_code == 400
    assert f'id="id_a{pending.pk}-reason_error"' in response.text
    assert 'aria-invalid="true"' in response.text
    pending.refresh_from_db()
    assert pending.status == Association.Status.PENDING
    assert mailoutbox == []


def test_deciding_twice_is_refused_with_a_message(client, users, pending, mailoutbox):
    client.force_login(users.coordinator)
    client.post("/coordinator/associations/kylayhdistys/approve/")
    response = client.post("/coordinator/associations/kylayhdistys/approve/", follow=True)
    assert response.status_code == 200
    assert len(response.context["messages"]) == 2


def test_unknown_association_is_404(client, users):
    client.force_login(users.coordinator)
    assert client.post("/coordinator/associations/ei-ole/approve/").status_code == 404


def test_get_on_decision_urls_is_not_allowed(client, users, pending):
    client.force_login(users.coordinator)
    assert client.get("/coordinator/associations/kylayhdistys/approve/").status_code == 405
