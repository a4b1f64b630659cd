"""What each role may do to a booking (booking/permissions.py), question by question.

The table is the module docstring's; each row here is one line, as in healthchecks'
permission tests. The pages and the API are checked through the same predicates below.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from associations.models import Association, Membership
from booking import permissions
from booking.models import Booking, CoHost, Occurrence, Status

from ..factories import (
    AssociationFactory,
    BookingFactory,
    CoHostFactory,
    MembershipFactory,
    OccurrenceFactory,
)

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def people(users, association, other_association):
    """The shared users plus a plain member who made the booking, and co-host members."""
    booker = MembershipFactory(association=association, user__username="booker").user
    cohost_association = AssociationFactory(name="Joutsan Kuoro ry", slug="kuoro")
    cohost_admin = MembershipFactory(
        association=cohost_association, role=Membership.Role.ADMIN, user__username="kuoro_admin"
    ).user
    cohost_member = MembershipFactory(association=cohost_association, user__username="kuoro_member").user
    users.booker = booker
    users.cohost_admin = cohost_admin
    users.cohost_member = cohost_member
    users.cohost_association = cohost_association
    return users


@pytest.fixture
def booking(people, association, room):
    start = (timezone.now() + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    booking = BookingFactory(
        association=association,
        room=room,
        start=start,
        end=start + timedelta(hours=2),
        is_public=False,
        created_by=people.booker,
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    for week in range(3):
        OccurrenceFactory(
            booking=booking,
            start=start + timedelta(weeks=week),
            end=start + timedelta(weeks=week, hours=2),
        )
    CoHostFactory(booking=booking, association=people.cohost_association, status=CoHost.Status.INVITED)
    return booking


def loaded(booking: Booking) -> Booking:
    return (
        Booking.objects.select_related("association")
        .prefetch_related("cohosts__association")
        .get(pk=booking.pk)
    )


ALL = ["coordinator", "admin", "booker", "member", "outsider", "cohost_admin", "cohost_member"]

# question → the roles that may (the cohost is invited, not yet accepted).
MATRIX = {
    "may_view": {"coordinator", "admin", "booker", "member", "cohost_admin", "cohost_member"},
    "may_manage": {"coordinator", "admin", "booker", "member"},
    "may_edit_details": {"coordinator", "admin", "booker", "member"},
    "may_cancel_series": {"coordinator", "admin", "booker"},
    "may_invite_cohosts": {"coordinator", "admin", "booker"},
    "may_accept_proposal": {"coordinator", "admin", "booker"},
    "may_record_attendance": {"coordinator", "admin", "booker", "member"},
}


@pytest.mark.parametrize("question", sorted(MATRIX))
def test_each_question_is_answered_as_the_table_says(people, booking, question):
    predicate = getattr(permissions, question)
    booking = loaded(booking)
    allowed = {role for role in ALL if predicate(getattr(people, role), booking)}
    assert allowed == MATRIX[question]


def test_only_the_invited_admin_or_a_coordinator_answers_an_invitation(people, booking):
    cohost = loaded(booking).cohosts.get()
    allowed = {role for role in ALL if permissions.may_answer_invitation(getattr(people, role), cohost)}
    assert allowed == {"coordinator", "cohost_admin"}


def test_the_roles_mapping_gives_the_same_answers_with_one_query(people, booking, django_assert_num_queries):
    booking = loaded(booking)
    roles = permissions.roles_of(people.member)
    with django_assert_num_queries(0):
        answers = {q: getattr(permissions, q)(people.member, booking, roles=roles) for q in MATRIX}
    assert {q for q, yes in answers.items() if yes} == {q for q in MATRIX if "member" in MATRIX[q]}


# --- the two disagreements issue 11 found --------------------------------------------


def test_a_coordinator_does_not_manage_a_booking_of_a_removed_association(people, booking, association):
    Association.objects.filter(pk=association.pk).update(status=Association.Status.REMOVED)
    booking = loaded(booking)
    assert not permissions.may_manage(people.coordinator, booking)
    assert not permissions.booking_access(people.coordinator, booking).manage
    client = Client()
    client.force_login(people.coordinator)
    response = client.post(f"/bookings/{booking.pk}/cancel/", {"scope": "series", "confirm": "1"})
    assert response.status_code == 403
    assert not Occurrence.objects.filter(booking=booking, status=Status.CANCELLED).exists()
    # The coordinator still sees it: the house's history stays readable.
    assert client.get(f"/bookings/{booking.pk}/").status_code == 200


def test_an_invited_but_not_accepted_cohost_does_not_edit_the_details(people, booking):
    client = Client()
    client.force_login(people.cohost_member)
    response = client.post(f"/bookings/{booking.pk}/details/", {"title": "Uusi nimi", "audience": "everyone"})
    assert response.status_code == 403
    assert Booking.objects.get(pk=booking.pk).title == booking.title
    assert not permissions.booking_access(people.cohost_member, loaded(booking)).edit_details


def test_an_accepted_cohost_edits_the_details(people, booking):
    CoHost.objects.filter(booking=booking).update(status=CoHost.Status.ACCEPTED)
    assert permissions.booking_access(people.cohost_member, loaded(booking)).edit_details
    client = Client()
    client.force_login(people.cohost_member)
    assert client.get(f"/bookings/{booking.pk}/details/").status_code == 200


# --- members and admins (issue 13) ------------------------------------------------------


def _cancel_series(api, user, booking):
    return api(user).post(f"/api/v1/bookings/{booking.pk}/cancel", {}, format="json")


def test_a_plain_member_does_not_cancel_someone_elses_series(api, people, booking):
    response = _cancel_series(api, people.member, booking)
    assert response.status_code == 403
    assert set(booking.occurrences.values_list("status", flat=True)) == {Status.CONFIRMED}


@pytest.mark.parametrize("role", ["booker", "admin", "coordinator"])
def test_the_booker_an_admin_and_a_coordinator_cancel_the_series(api, people, booking, role):
    response = _cancel_series(api, getattr(people, role), booking)
    assert response.status_code == 200
    assert set(booking.occurrences.values_list("status", flat=True)) == {Status.CANCELLED}


def test_a_plain_member_still_cancels_one_date(api, people, booking):
    first = booking.occurrences.order_by("start").first()
    response = api(people.member).post(
        f"/api/v1/bookings/{booking.pk}/cancel", {"occurrence": first.start.isoformat()}, format="json"
    )
    assert response.status_code == 200
    assert list(booking.occurrences.order_by("start").values_list("status", flat=True)) == [
        Status.CANCELLED,
        Status.CONFIRMED,
        Status.CONFIRMED,
    ]


def test_the_page_tells_a_plain_member_why_the_series_stays(people, booking):
    client = Client()
    client.force_login(people.member)
    page = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert 'value="series"' not in page and 'value="from"' not in page  # no button that would refuse
    response = client.post(
        f"/bookings/{booking.pk}/cancel/", {"scope": "series", "confirm": "1"}, follow=True
    )
    assert "Tämän voi tehdä vain yhdistyksen ylläpitäjä tai varauksen tekijä." in response.text  # in Finnish
    assert set(booking.occurrences.values_list("status", flat=True)) == {Status.CONFIRMED}


def test_a_plain_member_does_not_invite_cohosts_to_someone_elses_booking(people, booking, other_association):
    client = Client()
    client.force_login(people.member)
    response = client.post(f"/bookings/{booking.pk}/cohosts/", {"cohosts": [other_association.pk]})
    assert response.status_code == 403
    assert not CoHost.objects.filter(booking=booking, association=other_association).exists()


# --- the co-host API does not tell outsiders which ids exist ------------------------------


def test_the_cohost_api_answers_404_alike_for_a_private_and_a_missing_booking(api, people, booking):
    path = "/api/v1/bookings/{}/cohosts/{}/accept"
    hidden = api(people.outsider).post(path.format(booking.pk, people.cohost_association.pk))
    missing = api(people.outsider).post(path.format(booking.pk + 1000, people.cohost_association.pk))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert CoHost.objects.get(booking=booking).status == CoHost.Status.INVITED


def test_the_booking_api_answers_404_alike_for_a_private_and_a_missing_booking(api, people, booking):
    hidden = api(people.outsider).get(f"/api/v1/bookings/{booking.pk}")
    missing = api(people.outsider).get(f"/api/v1/bookings/{booking.pk + 1000}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_an_outsider_who_sees_a_public_booking_is_refused_with_403(api, people, booking):
    Booking.objects.filter(pk=booking.pk).update(is_public=True)
    response = api(people.outsider).post(
        f"/api/v1/bookings/{booking.pk}/cohosts/{people.cohost_association.pk}/accept"
    )
    assert response.status_code == 403
    assert CoHost.objects.get(booking=booking).status == CoHost.Status.INVITED
