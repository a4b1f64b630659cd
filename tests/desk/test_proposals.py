"""Propose another time or room; the association accepts or declines with one click."""

from django.core import mail

from audit.models import AuditEntry
from booking.models import Status
from booking.services import booking_create
from desk.models import Proposal
from desk.services import proposal_create
from tests.factories import BookingFactory, OccurrenceFactory

from .conftest import at


def _propose(users, booking, room, start, end, **kw):
    return proposal_create(actor=users.coordinator, booking=booking, room=room, start=start, end=end, **kw)


def test_a_coordinator_proposes_from_the_booking_page(
    login, users, rivals, room, association, django_capture_on_commit_callbacks
):
    first, _second = rivals
    with django_capture_on_commit_callbacks(execute=True):
        response = login(users.coordinator).post(
            f"/coordinator/bookings/{first.pk}/propose/",
            {
                "propose-room": room.pk,
                "propose-start": "2000-01-01T00:00",  # replaced below: the form reads local time
                "propose-end": "2000-01-01T03:00",
            },
        )
    assert response.status_code == 400  # in the past
    assert response.context["propose_form"].non_field_errors()
    local = at(11, 9).strftime("%Y-%m-%dT%H:%M")
    local_end = at(11, 12).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(users.coordinator).post(
            f"/coordinator/bookings/{first.pk}/propose/",
            {
                "propose-room": room.pk,
                "propose-start": local,
                "propose-end": local_end,
                "propose-message": "Sali?",
            },
        )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.room, proposal.start, proposal.end) == (room, at(11, 9), at(11, 12))
    assert proposal.created_by == users.coordinator
    (message,) = [m for m in mail.outbox if association.contact_email in m.to]
    assert f"/proposals/{proposal.pk}/" in message.body and "Sali?" in message.body


def test_a_proposal_into_a_taken_time_is_refused_next_to_the_field(login, users, rivals, room):
    first, _second = rivals
    OccurrenceFactory(booking=BookingFactory(room=room, start=at(11, 10), end=at(11, 11)))
    response = login(users.coordinator).post(
        f"/coordinator/bookings/{first.pk}/propose/",
        {
            "propose-room": room.pk,
            "propose-start": at(11, 9).strftime("%Y-%m-%dT%H:%M"),
            "propose-end": at(11, 12).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert response.context["propose_form"].errors["start"]
    assert not Proposal.objects.exists()


def test_the_association_accepts_and_the_date_moves_and_is_confirmed(
    login, users, rivals, room, django_capture_on_commit_callbacks
):
    first, _second = rivals
    proposal = _propose(users, first, room, at(11, 9), at(11, 12), message="Sali vapaa.")
    # A plain member sees the proposal; the booking's maker (here the admin) answers it.
    page = login(users.member).get(f"/proposals/{proposal.pk}/")
    assert page.status_code == 200 and not page.context["may_answer"]
    assert login(users.member).post(f"/proposals/{proposal.pk}/accept/").status_code == 403
    assert first.occurrences.get().status == Status.PENDING
    client = login(users.admin)
    page = client.get(f"/proposals/{proposal.pk}/")
    assert page.status_code == 200 and page.context["may_answer"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/proposals/{proposal.pk}/accept/")
    assert response.status_code == 302
    occurrence = first.occurrences.get()
    assert (occurrence.room, occurrence.start, occurrence.end, occurrence.status) == (
        room,
        at(11, 9),
        at(11, 12),
        Status.CONFIRMED,
    )
    first.refresh_from_db()
    assert first.room == room and first.status == Status.CONFIRMED and first.start == at(11, 9)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED and proposal.answered_by == users.admin
    assert AuditEntry.objects.filter(action="proposal.accepted", actor=users.admin).exists()


def test_accepting_rechecks_conflicts(login, users, rivals, room):
    first, _second = rivals
    proposal = _propose(users, first, room, at(11, 9), at(11, 12))
    booking_create(
        actor=users.outsider,
        association=users.outsider.memberships.get().association,
        room=room,
        title="Ehti ensin",
        start=at(11, 10),
        end=at(11, 11),
    )
    response = login(users.admin).post(f"/proposals/{proposal.pk}/accept/")
    assert response.status_code == 302
    assert first.occurrences.get().status == Status.PENDING
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PROPOSED


def test_the_association_declines_with_one_click(login, users, rivals, room):
    first, _second = rivals
    proposal = _propose(users, first, room, at(11, 9), at(11, 12))
    assert login(users.admin).post(f"/proposals/{proposal.pk}/decline/").status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DECLINED
    assert first.occurrences.get().status == Status.PENDING  # back to the coordinator
    assert login(users.admin).post(f"/proposals/{proposal.pk}/accept/").status_code == 302
    assert first.occurrences.get().status == Status.PENDING  # answered already


def test_only_the_association_answers(login, users, rivals, room):
    first, _second = rivals
    proposal = _propose(users, first, room, at(11, 9), at(11, 12))
    outsider = login(users.outsider)
    assert outsider.get(f"/proposals/{proposal.pk}/").status_code == 403
    assert outsider.post(f"/proposals/{proposal.pk}/accept/").status_code == 403
    assert outsider.post(f"/proposals/{proposal.pk}/decline/").status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PROPOSED


def test_a_series_moves_keeping_its_rhythm(users, association, kitchen, room):
    series = booking_create(
        actor=users.admin,
        association=association,
        room=kitchen,
        title="Kokkikurssi",
        start=at(3, 17),
        end=at(3, 19),
        rrule="FREQ=WEEKLY;COUNT=3",
    ).booking
    proposal = _propose(users, series, room, at(3, 18), at(3, 20))
    from desk.services import proposal_accept

    proposal_accept(actor=users.admin, proposal=proposal)
    moved = list(series.occurrences.order_by("start").values_list("start", "status", "room"))
    assert moved == [(at(d, 18), Status.CONFIRMED, room.pk) for d in (3, 10, 17)]
