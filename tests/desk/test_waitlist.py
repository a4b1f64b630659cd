"""The waitlist: join a taken slot, get a timed offer when it frees, accept, or let it pass on."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry
from booking.models import Status
from booking.services import booking_cancel, booking_create
from desk.models import WaitlistEntry
from desk.services import offer_freed_slots, waitlist_join
from tests.factories import AssociationFactory, MembershipFactory

from .conftest import at


@pytest.fixture
def taken(users, other_association, room):
    """The hall is booked 18–20 in five days by the other association."""
    return booking_create(
        actor=users.outsider,
        association=other_association,
        room=room,
        title="Salibandy",
        start=at(5, 18),
        end=at(5, 20),
    ).booking


def _join(user, association, room, **kw):
    return waitlist_join(
        actor=user,
        association=association,
        room=room,
        start=kw.get("start", at(5, 18)),
        end=kw.get("end", at(5, 20)),
        title=kw.get("title", "Kuorolaulu"),
    )


def test_a_volunteer_joins_the_waitlist_of_a_taken_slot(login, users, taken, room, association):
    client = login(users.member)
    response = client.post(
        "/waitlist/join/",
        {
            "association": association.pk,
            "room": room.pk,
            "title": "Kuorolaulu",
            "start": at(5, 18).strftime("%Y-%m-%dT%H:%M"),
            "end": at(5, 20).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.user, entry.status, entry.start) == (users.member, WaitlistEntry.Status.WAITING, at(5, 18))
    assert "Kuorolaulu" in client.get("/my/waitlist/").content.decode()


def test_a_free_slot_is_booked_not_waited_for(login, users, room, association):
    response = login(users.member).post(
        "/waitlist/join/",
        {
            "association": association.pk,
            "room": room.pk,
            "title": "Kuorolaulu",
            "start": at(5, 18).strftime("%Y-%m-%dT%H:%M"),
            "end": at(5, 20).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not WaitlistEntry.objects.exists()


def test_outsiders_cannot_wait_for_another_association(login, users, taken, room, association):
    response = login(users.outsider).post(
        "/waitlist/join/",
        {
            "association": association.pk,
            "room": room.pk,
            "title": "x",
            "start": "2030-01-01T10:00",
            "end": "x",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["association"]


@pytest.fixture
def third(db):
    """A third association and its member, second in line."""
    membership = MembershipFactory(association=AssociationFactory(name="Kuoro ry"), user__username="laulaja")
    return membership.user, membership.association


def test_joining_twice_is_refused(users, taken, room, association):
    _join(users.member, association, room)
    with pytest.raises(ValidationError):
        _join(users.admin, association, room)


def test_a_freed_slot_is_offered_to_the_first_in_line_and_passes_on(
    login, users, taken, room, association, third, django_capture_on_commit_callbacks
):
    first = _join(users.member, association, room)
    second = _join(third[0], third[1], room, title="Kuoroharjoitus")
    assert offer_freed_slots(room=room, start=at(5, 0), end=at(6, 0)) == []  # still taken
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(actor=users.outsider, booking=taken)
        offered = offer_freed_slots(room=room, start=at(5, 18), end=at(5, 20))
    assert offered == [first]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitlistEntry.Status.OFFERED
    assert first.offer_expires_at == pytest.approx(
        timezone.now() + timedelta(hours=24), abs=timedelta(minutes=1)
    )
    assert second.status == WaitlistEntry.Status.WAITING
    (offer,) = [m for m in mail.outbox if "Kuorolaulu" in m.subject]
    assert users.member.email in offer.to and "/my/waitlist/" in offer.body
    # Offering again changes nothing: the slot is on offer already.
    assert offer_freed_slots(room=room, start=at(5, 18), end=at(5, 20)) == []
    assert (
        "yours to take"
        in login(users.member).get("/my/waitlist/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )

    # The offer lapses unanswered: the expiry command passes it to the next in line.
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("expire_offers", verbosity=0)
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == WaitlistEntry.Status.EXPIRED
        assert second.status == WaitlistEntry.Status.OFFERED
        assert any(third[0].email in m.to for m in mail.outbox)
        # Idempotent: a second run (or a second machine) finds nothing to do.
        call_command("expire_offers", verbosity=0)
        second.refresh_from_db()
        assert second.status == WaitlistEntry.Status.OFFERED
        assert AuditEntry.objects.filter(action="waitlist.offered").count() == 2


def test_the_expiry_command_finds_slots_freed_without_any_hook(users, taken, room, association):
    entry = _join(users.member, association, room)
    taken.occurrences.update(status=Status.CANCELLED)  # e.g. cancelled through the API
    call_command("expire_offers", verbosity=0)
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.OFFERED


def test_accepting_an_offer_books_the_slot(login, users, taken, room, association):
    entry = _join(users.member, association, room)
    booking_cancel(actor=users.outsider, booking=taken)
    offer_freed_slots(room=room, start=at(5, 18), end=at(5, 20))
    response = login(users.member).post(f"/waitlist/{entry.pk}/accept/")
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.ACCEPTED
    assert entry.booking.association == association
    assert entry.booking.occurrences.get().status == Status.CONFIRMED


def test_an_offer_taken_meanwhile_lapses(login, users, taken, room, association, other_association):
    entry = _join(users.member, association, room)
    booking_cancel(actor=users.outsider, booking=taken)
    offer_freed_slots(room=room, start=at(5, 18), end=at(5, 20))
    booking_create(
        actor=users.outsider,
        association=other_association,
        room=room,
        title="Takaisin",
        start=at(5, 19),
        end=at(5, 20),
    )
    response = login(users.member).post(f"/waitlist/{entry.pk}/accept/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.EXPIRED and entry.booking is None


def test_declining_an_offer_passes_it_on_at_once(login, users, taken, room, association, third):
    first = _join(users.member, association, room)
    second = _join(third[0], third[1], room)
    booking_cancel(actor=users.outsider, booking=taken)
    offer_freed_slots(room=room, start=at(5, 18), end=at(5, 20))
    assert login(users.member).post(f"/waitlist/{first.pk}/cancel/").status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (WaitlistEntry.Status.CANCELLED, WaitlistEntry.Status.OFFERED)


def test_nobody_answers_another_users_offer(login, users, taken, room, association):
    entry = _join(users.member, association, room)
    assert login(users.outsider).post(f"/waitlist/{entry.pk}/accept/").status_code == 404
    assert login(users.outsider).post(f"/waitlist/{entry.pk}/cancel/").status_code == 404
    entry.refresh_from_db()
    assert (entry.status, entry.booking_id) == (WaitlistEntry.Status.WAITING, None)


def test_lapsed_entries_and_proposals_expire(users, taken, room, association, rivals):
    from desk.models import Proposal
    from desk.services import proposal_create

    entry = _join(users.member, association, room)
    proposal = proposal_create(
        actor=users.coordinator, booking=rivals[0], room=room, start=at(6, 9), end=at(6, 11)
    )
    with time_machine.travel(at(7, 0)):
        call_command("expire_offers", verbosity=0)
    entry.refresh_from_db()
    proposal.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.EXPIRED
    assert proposal.status == Proposal.Status.EXPIRED


def test_the_worker_repeats_the_expiry_until_stopped(monkeypatch, db):
    from desk.management.commands import expire_offers as command

    runs, naps = [], []
    monkeypatch.setattr(command, "expire_offers", lambda: runs.append(1) or {"expired": 0})

    def nap(seconds):
        naps.append(seconds)
        if len(naps) == 3:
            raise KeyboardInterrupt  # how a worker is stopped

    monkeypatch.setattr(command.time, "sleep", nap)
    with pytest.raises(KeyboardInterrupt):
        call_command("expire_offers", "--every", "300", verbosity=0)
    assert len(runs) == 3
    assert naps == [300, 300, 300]


def test_the_worker_refuses_a_zero_interval(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="at least 1 second"):
        call_command("expire_offers", "--every", "0", verbosity=0)
