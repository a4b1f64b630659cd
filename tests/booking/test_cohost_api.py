"""An invited association's admin accepts or declines co-hosting."""

import pytest

from associations.models import Membership
from booking.models import CoHost
from tests.factories import AssociationFactory, MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def joint(api, users, association, other_association, room):
    response = api(users.admin).post(
        "/api/v1/bookings",
        {
            "association": association.pk,
            "room": room.pk,
            "title": "Joulumyyjäiset",
            "start": "2026-12-12T10:00:00+02:00",
            "end": "2026-12-12T15:00:00+02:00",
            "cohosts": [other_association.pk],
        },
        format="json",
    )
    assert response.status_code == 201
    return response.json()["id"]


def test_the_invited_admin_accepts(api, users, joint, other_association):
    response = api(users.outsider).post(f"/api/v1/bookings/{joint}/cohosts/{other_association.pk}/accept")
    assert response.status_code == 200
    assert response.json()["cohosts"] == [{"id": other_association.pk, "status": "accepted"}]


def test_the_invited_admin_declines(api, users, joint, other_association):
    response = api(users.outsider).post(f"/api/v1/bookings/{joint}/cohosts/{other_association.pk}/decline")
    assert response.json()["cohosts"] == [{"id": other_association.pk, "status": "declined"}]


def test_a_member_who_is_not_admin_cannot_answer(api, joint, other_association):
    member = MembershipFactory(association=other_association, role=Membership.Role.MEMBER).user
    response = api(member).post(f"/api/v1/bookings/{joint}/cohosts/{other_association.pk}/accept")
    assert response.status_code == 403
    assert CoHost.objects.get(booking_id=joint).status == CoHost.Status.INVITED


def test_the_host_cannot_answer_for_the_invited(api, users, joint, other_association):
    response = api(users.admin).post(f"/api/v1/bookings/{joint}/cohosts/{other_association.pk}/accept")
    assert response.status_code == 403
    assert CoHost.objects.get(booking_id=joint).status == CoHost.Status.INVITED


def test_an_association_that_was_not_invited_gets_400(api, users, joint):
    third = AssociationFactory()
    MembershipFactory(association=third, user=users.outsider, role=Membership.Role.ADMIN)
    response = api(users.outsider).post(f"/api/v1/bookings/{joint}/cohosts/{third.pk}/accept")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_unknown_ids_are_404(api, users, joint, other_association):
    assert (
        api(users.outsider).post(f"/api/v1/bookings/999999/cohosts/{other_association.pk}/accept").status_code
        == 404
    )
    assert api(users.outsider).post(f"/api/v1/bookings/{joint}/cohosts/999999/accept").status_code == 404


def test_anonymous_gets_401(api, joint, other_association):
    assert (
        api(None).post(f"/api/v1/bookings/{joint}/cohosts/{other_association.pk}/accept").status_code == 401
    )
    assert CoHost.objects.get(booking_id=joint).responded_at is None
