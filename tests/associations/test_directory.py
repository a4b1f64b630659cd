import pytest

from associations.models import Association
from tests.factories import AssociationFactory

pytestmark = pytest.mark.django_db


def test_it_lists_approved_associations_only(client, association, pending):
    response = client.get("/associations/")
    assert response.status_code == 200
    assert association.name in response.text
    assert pending.name not in response.text


def test_it_paginates(client, db):
    AssociationFactory.create_batch(25)
    first = client.get("/associations/")
    second = client.get("/associations/?page=2")
    assert first.text.count('class="card"') == 20
    assert second.text.count('class="card"') == 5
    assert client.get("/associations/?page=abc").status_code == 200
    assert client.get("/associations/?page=999").status_code == 200


def test_the_list_needs_a_bounded_number_of_queries(client, db, django_assert_max_num_queries):
    AssociationFactory.create_batch(30)
    with django_assert_max_num_queries(3):
        assert client.get("/associations/").status_code == 200


def test_it_shows_an_approved_association(client, association):
    association.website = "https://elakelaiset.example.org"
    association.business_id = "1572860-0"
    association.save()
    response = client.get("/associations/elakelaiset/")
    assert response.status_code == 200
    assert "https://elakelaiset.example.org" in response.text
    assert "1572860-0" in response.text
    assert "/members/" not in response.text


def test_a_pending_association_is_hidden_from_the_public(client, pending, users):
    assert client.get("/associations/kylayhdistys/").status_code == 404
    client.force_login(users.outsider)
    assert client.get("/associations/kylayhdistys/").status_code == 404


def test_a_pending_association_is_shown_to_its_admin_and_coordinators(client, pending, registrant, users):
    client.force_login(registrant)
    response = client.get("/associations/kylayhdistys/")
    assert response.status_code == 200
    assert "/associations/kylayhdistys/members/" in response.text
    client.force_login(users.coordinator)
    assert client.get("/associations/kylayhdistys/").status_code == 200


def test_a_rejected_association_is_hidden(client, db):
    AssociationFactory(slug="hylatty", status=Association.Status.REJECTED)
    assert client.get("/associations/hylatty/").status_code == 404


def test_unknown_slug_is_404(client, db):
    assert client.get("/associations/ei-ole/").status_code == 404
