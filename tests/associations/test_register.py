import pytest

from associations.models import Association, Membership
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db

DATA = {
    "name": "Joutsan Kuoro ry",
    "description": "Laulamme keskiviikkoisin.",
    "contact_email": "kuoro@example.org",
    "website": "https://kuoro.example.org",
    "business_id": "0737546-2",
}


def test_it_registers_a_pending_association_with_the_registrant_as_admin(
    client, users, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(users.member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/associations/new/", DATA)

    assert response.status_code == 302
    assert response.url == "/my/"
    association = Association.objects.get(name="Joutsan Kuoro ry")
    assert association.status == Association.Status.PENDING
    assert association.slug == "joutsan-kuoro-ry"
    assert association.created_by == users.member
    membership = Membership.objects.get(association=association, user=users.member)
    assert membership.role == Membership.Role.ADMIN
    assert AuditEntry.objects.filter(association=association, action="association.registered").exists()
    # The coordinators hear there is something to decide.
    assert [m.to for m in mailoutbox] == [["coordinator@example.org"]]


def test_a_pending_association_cannot_book(users, registrant, pending):
    from booking.permissions import may_book_for

    assert not may_book_for(registrant, pending)


def test_it_shows_the_form(client, users):
    client.force_login(users.member)
    response = client.get("/associations/new/")
    assert response.status_code == 200
    assert 'name="business_id"' in response.text


def test_it_requires_sign_in(client, db):
    response = client.get("/associations/new/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/associations/new/")
    assert client.post("/associations/new/", DATA).status_code == 302
    assert not Association.objects.filter(name=DATA["name"]).exists()


def test_a_bad_business_id_is_shown_next_to_the_field(client, users):
    client.force_login(users.member)
    response = client.post(
        "/associations/new/", {**DATA, "business_id": "1234567-8"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert 'id="id_business_id_error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert 'aria-describedby="id_business_id_helptext id_business_id_error"' in response.text
    assert "check digit" in response.text
    assert not Association.objects.filter(name=DATA["name"]).exists()


def test_missing_and_duplicate_fields_are_errors(client, users, association):
    client.force_login(users.member)
    response = client.post("/associations/new/", {"name": association.name, "contact_email": "not-an-email"})
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.text
    assert 'id="id_contact_email_error"' in response.text


def test_a_name_that_slugifies_like_another_gets_its_own_slug(users):
    from associations.services import association_register

    first = association_register(user=users.member, name="Kuoro", contact_email="a@example.org")
    second = association_register(user=users.member, name="Kuoro!", contact_email="b@example.org")
    assert (first.slug, second.slug) == ("kuoro", "kuoro-2")
