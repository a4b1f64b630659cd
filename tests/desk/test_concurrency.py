"""Two coordinators approve two overlapping requests at the same moment: exactly one wins."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from booking.models import Occurrence, Status
from booking.services import BookingConflict
from desk.services import Others, booking_approve_resolving


@pytest.mark.postgres
def test_two_coordinators_approving_rivals_at_once_confirm_exactly_one(users, rivals):
    from tests.factories import UserFactory

    second_coordinator = UserFactory(username="coordinator2", is_staff=True)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(actor, booking):
        try:
            barrier.wait(timeout=10)
            approved, _declined, _proposals = booking_approve_resolving(
                actor=actor, booking=booking, others=Others.DECLINE
            )
            outcomes.append(f"approved {len(approved)}")
        except (BookingConflict, ValidationError):
            # The loser either meets the winner's confirmed date or finds itself declined.
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(users.coordinator, rivals[0])),
        threading.Thread(target=approve, args=(second_coordinator, rivals[1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    confirmed = Occurrence.objects.filter(booking__in=rivals, status=Status.CONFIRMED).count()
    assert confirmed == 1
    assert sorted(outcomes) == ["approved 1", "refused"]
