"""Competing series are decided as a whole, and each note reaches only its association."""

import pytest
from django.core import mail

from booking.models import Status
from desk.models import Proposal

from ..factories import AssociationFactory, MembershipFactory
from .conftest import at

WEEKLY = "FREQ=WEEKLY;COUNT=10"


@pytest.fixture
def three_series(users, association, other_association, kitchen, request_for):
    """Three 10-week requests for the kitchen on the same weekday, overlapping every week."""
    third_association = AssociationFactory(name="Joutsan Marttayhdistys ry", slug="martat")
    third_admin = MembershipFactory(association=third_association, role="admin").user
    first = request_for(users.admin, association, kitchen, at(10, 12), at(10, 15), rrule=WEEKLY)
    second = request_for(users.outsider, other_association, kitchen, at(10, 13), at(10, 16), rrule=WEEKLY)
    third = request_for(third_admin, third_association, kitchen, at(10, 14), at(10, 17), rrule=WEEKLY)
    return first, second, third


def _approve(client, occurrence, **fields):
    prefix = f"c{occurrence.pk}"
    data = {f"{prefix}-others": "decline", **{f"{prefix}-{k}": v for k, v in fields.items()}}
    return client.post(f"/coordinator/occurrences/{occurrence.pk}/approve/", data)


def test_one_click_approves_a_whole_series_and_declines_the_competing_series(
    login, users, three_series, django_capture_on_commit_callbacks
):
    first, second, third = three_series
    with django_capture_on_commit_callbacks(execute=True):
        response = _approve(
            login(users.coordinator),
            first.occurrences.order_by("start").first(),
            message="Tervetuloa keittiöön!",
            others_message="Keittiö on tiistaisin jo varattu.",
        )
    assert response.status_code == 302
    assert set(first.occurrences.values_list("status", flat=True)) == {Status.CONFIRMED}
    assert first.occurrences.count() == 10
    for rival in (second, third):
        assert set(rival.occurrences.values_list("status", flat=True)) == {Status.DECLINED}
        rival.refresh_from_db()
        assert rival.status_reason == "Keittiö on tiistaisin jo varattu."
    first.refresh_from_db()
    assert first.status_reason == "Tervetuloa keittiöön!"
    # Each note reaches only the association it was written for.
    for message in mail.outbox:
        if first.association.contact_email in message.to:
            assert "jo varattu" not in message.body
        else:
            assert "Tervetuloa" not in message.body


def test_a_single_date_can_still_be_decided_alone(login, users, three_series):
    first, second, _third = three_series
    _approve(login(users.coordinator), first.occurrences.order_by("start").first(), scope="date")
    assert first.occurrences.filter(status=Status.CONFIRMED).count() == 1
    assert second.occurrences.filter(status=Status.DECLINED).count() == 1
    assert second.occurrences.filter(status=Status.PENDING).count() == 9


def test_a_counter_offer_moves_a_competing_series_as_a_whole(login, users, three_series, room):
    first, second, third = three_series
    _approve(login(users.coordinator), first.occurrences.order_by("start").first(), others="propose")
    proposals = list(Proposal.objects.order_by("booking_id"))
    offered = {p.booking_id for p in proposals}
    for rival in (second, third):
        if rival.pk in offered:
            proposal = next(p for p in proposals if p.booking_id == rival.pk)
            assert proposal.occurrences.count() == 10
            assert set(rival.occurrences.values_list("status", flat=True)) == {Status.PENDING}
        else:
            assert set(rival.occurrences.values_list("status", flat=True)) == {Status.DECLINED}
    assert len(offered) == 1, "the hall is free at the first one's times, and offered to one series only"
