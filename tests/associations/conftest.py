import pytest

from associations.models import Association
from tests.factories import AssociationFactory, MembershipFactory, UserFactory


@pytest.fixture
def registrant(db):
    return UserFactory(username="registrant", email="registrant@example.org")


@pytest.fixture
def pending(registrant):
    """A pending association whose registrant is its admin, as association_register leaves it."""
    association = AssociationFactory(
        name="Joutsan Kyläyhdistys ry",
        slug="kylayhdistys",
        status=Association.Status.PENDING,
        created_by=registrant,
        contact_email="kyla@example.org",
    )
    MembershipFactory(association=association, user=registrant, role="admin")
    return association


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
