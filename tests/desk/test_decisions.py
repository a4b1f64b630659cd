"""Approve (resolving the competitors), decline, approve some dates of a series."""

import pytest
from django.core import mail

from audit.models import AuditEntry
from booking.models import Status
from booking.services import booking_create
from desk.models import Proposal
from desk.services import Others, booking_approve_resolving

from .conftest import at


def _post_conflict(client, occurrence, others="decline", message="", **headers):
    prefix = f"c{occurrence.pk}"
    return client.post(
        f"/coordinator/occurrences/{occurrence.pk}/approve/",
        {f"{prefix}-others": others, f"{prefix}-message": message},
        **headers,
    )


def test_approving_one_declines_the_others(
    login, users, rivals, django_capture_on_commit_callbacks, other_association
):
    first, second = rivals
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_conflict(login(users.coordinator), first.occurrences.get(), message="Vuorotellaan.")
    assert response.status_code == 302
    assert first.occurrences.get().status == Status.CONFIRMED
    assert second.occurrences.get().status == Status.DECLINED
    second.refresh_from_db()
    # The note was written for the approved association: the declined one never gets it.
    assert (
        second.status == Status.DECLINED
        and second.status_reason == "Toinen pyyntö samaan aikaan hyväksyttiin."
    )
    first.refresh_from_db()
    assert first.status_reason == "Vuorotellaan."
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "actor__username"))
    assert ("booking.approved", "coordinator") in actions
    assert ("booking.declined", "coordinator") in actions
    declined_to = [m for m in mail.outbox if other_association.contact_email in m.to]
    assert declined_to, "the declined association hears of it"
    assert all("Vuorotellaan." not in m.body for m in declined_to)


def test_approving_one_can_offer_the_others_the_nearest_free_slot(
    login, users, rivals, room, django_capture_on_commit_callbacks, other_association
):
    first, second = rivals
    with django_capture_on_commit_callbacks(execute=True):
        _post_conflict(login(users.coordinator), first.occurrences.get(), others="propose")
    assert second.occurrences.get().status == Status.PENDING
    proposal = Proposal.objects.get()
    assert proposal.booking == second
    assert list(proposal.occurrences.all()) == list(second.occurrences.all())
    # The kitchen is taken 12–15 now; the venue's hall (40 people) is free at the same time.
    assert proposal.start == at(10, 13) and proposal.end == at(10, 16)
    assert proposal.room.slug == "sali"
    offer = [m for m in mail.outbox if other_association.contact_email in m.to and "/proposals/" in m.body]
    assert offer and f"/proposals/{proposal.pk}/" in offer[0].body
    assert AuditEntry.objects.filter(action="proposal.created", booking=second).exists()


def test_the_nearest_time_in_the_same_room_when_no_other_room_fits(users, rivals, kitchen, room):
    room.capacity = 5  # the hall is too small for 14
    room.save()
    first, second = rivals
    _approved, _declined, proposals = booking_approve_resolving(
        actor=users.coordinator, booking=first, others=Others.PROPOSE
    )
    (proposal,) = proposals
    assert proposal.room == kitchen
    # 12–15 is now confirmed; 13–16 moves to the nearest free three hours: 15–18 the same day.
    assert (proposal.start, proposal.end) == (at(10, 15), at(10, 18))


def test_only_coordinators_decide(login, users, rivals):
    first, second = rivals
    for who in (users.admin, users.member, users.outsider):
        assert _post_conflict(login(who), first.occurrences.get()).status_code == 403
    assert login(users.admin).post(f"/coordinator/bookings/{first.pk}/decline/", {}).status_code == 403
    assert first.occurrences.get().status == Status.PENDING


def test_approving_into_a_confirmed_booking_is_refused_with_a_message(
    login, users, rivals, kitchen, association
):
    first, _second = rivals
    kitchen.requires_approval = False
    kitchen.save()
    # A confirmed date sneaks in (e.g. entered in the admin) over the request.
    from tests.factories import BookingFactory, OccurrenceFactory

    OccurrenceFactory(booking=BookingFactory(room=kitchen, start=at(10, 14), end=at(10, 15)))
    client = login(users.coordinator)
    response = _post_conflict(client, first.occurrences.get(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert first.occurrences.get().status == Status.PENDING
    follow = client.get("/coordinator/", HTTP_ACCEPT_LANGUAGE="en")
    assert "overlaps a confirmed booking" in follow.content.decode()


def test_decline_needs_a_reason(login, users, rivals):
    first, _second = rivals
    occurrence = first.occurrences.get()
    client = login(users.coordinator)
    response = client.post(
        f"/coordinator/bookings/{first.pk}/decline/",
        {"decline-occurrences": [occurrence.pk], "decline-reason": "  "},
    )
    assert response.status_code == 400
    assert response.context["decline_form"].errors["reason"]
    assert occurrence.status == Status.PENDING


def test_decline_with_a_reason(login, users, rivals, django_capture_on_commit_callbacks, association):
    first, _second = rivals
    occurrence = first.occurrences.get()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = login(users.coordinator).post(
            f"/coordinator/bookings/{first.pk}/decline/",
            {"decline-occurrences": [occurrence.pk], "decline-reason": "Keittiö on varattu remonttiin."},
        )
    assert response.status_code == 302
    assert callbacks, "the e-mail waits for the commit"
    occurrence.refresh_from_db()
    assert occurrence.status == Status.DECLINED
    entry = AuditEntry.objects.get(action="booking.declined")
    assert entry.actor == users.coordinator and entry.message == "Keittiö on varattu remonttiin."
    assert any(association.contact_email in m.to for m in mail.outbox)


def test_no_mail_before_the_commit(users, rivals, django_capture_on_commit_callbacks):
    first, _second = rivals
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking_approve_resolving(actor=users.coordinator, booking=first)
    assert callbacks and mail.outbox == []


def test_approve_only_some_dates_of_a_series(login, users, association, kitchen):
    series = booking_create(
        actor=users.admin,
        association=association,
        room=kitchen,
        title="Kokkikurssi",
        start=at(3, 17),
        end=at(3, 19),
        rrule="FREQ=WEEKLY;COUNT=4",
    ).booking
    dates = list(series.occurrences.order_by("start"))
    client = login(users.coordinator)
    page = client.get(f"/coordinator/bookings/{series.pk}/")
    assert page.status_code == 200
    assert len(page.context["approve_form"].fields["occurrences"].queryset) == 4
    response = client.post(
        f"/coordinator/bookings/{series.pk}/approve/",
        {"approve-occurrences": [dates[0].pk, dates[2].pk], "approve-others": "decline"},
    )
    assert response.status_code == 302
    statuses = list(series.occurrences.order_by("start").values_list("status", flat=True))
    assert statuses == [Status.CONFIRMED, Status.PENDING, Status.CONFIRMED, Status.PENDING]


def test_approve_without_dates_says_so_next_to_the_field(login, users, rivals):
    first, _second = rivals
    response = login(users.coordinator).post(
        f"/coordinator/bookings/{first.pk}/approve/", {"approve-others": "decline"}
    )
    assert response.status_code == 400
    assert response.context["approve_form"].errors["occurrences"]


@pytest.mark.parametrize("value", ["x", "99999999999999999999", ""])
def test_garbage_input_is_never_a_500(login, users, rivals, value):
    first, _second = rivals
    client = login(users.coordinator)
    for url in (
        f"/coordinator/bookings/{first.pk}/approve/",
        f"/coordinator/bookings/{first.pk}/decline/",
        f"/coordinator/bookings/{first.pk}/propose/",
    ):
        data = {
            "approve-occurrences": value,
            "decline-occurrences": value,
            "propose-occurrences": value,
            "propose-room": value,
            "propose-start": value,
            "approve-others": value,
        }
        assert client.post(url, data).status_code == 400
    assert client.get("/coordinator/bookings/999999/").status_code == 404
