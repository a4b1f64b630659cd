"""Many requests at once for one room: no two confirmed bookings may ever overlap.

PostgreSQL only: each thread has its own connection and transaction, as app servers do.
"""

import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection, connections

from booking import services
from booking.models import Occurrence, Status
from tests.factories import AssociationFactory, MembershipFactory

from ..conftest import HEL

pytestmark = [pytest.mark.postgres]


def race(workers):
    """Run callables at once; return what each returned or raised."""
    barrier = threading.Barrier(len(workers))
    results = [None] * len(workers)

    def run(index, work):
        try:
            barrier.wait()
            results[index] = work()
        except Exception as exc:  # noqa: BLE001 - the outcome is what we assert on
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def overlapping_confirmed_pairs() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM booking_occurrence a JOIN booking_occurrence b
              ON a.room_id = b.room_id AND a.id < b.id
             AND tstzrange(a.start, a.block_end) && tstzrange(b.start, b.block_end)
             WHERE a.status = 'confirmed' AND b.status = 'confirmed'
            """
        )
        return cursor.fetchone()[0]


def volunteers(n):
    people = []
    for _ in range(n):
        membership = MembershipFactory(association=AssociationFactory(), role="admin")
        people.append((membership.user, membership.association))
    return people


def test_many_threads_race_for_one_slot_and_exactly_one_wins(room):
    start = datetime.now(HEL).replace(hour=18, minute=0, second=0, microsecond=0) + timedelta(days=30)
    people = volunteers(8)

    def book(user, association):
        return lambda: services.booking_create(
            actor=user,
            association=association,
            room=room,
            title="Sama vuoro",
            start=start,
            end=start + timedelta(hours=2),
        )

    results = race([book(u, a) for u, a in people])
    wins = [r for r in results if isinstance(r, services.BookingResult)]
    losses = [r for r in results if isinstance(r, services.BookingConflict)]
    assert len(wins) == 1, results
    assert len(losses) == 7, results
    assert Occurrence.objects.filter(room=room, status=Status.CONFIRMED).count() == 1


def test_staggered_series_race_and_no_overlap_survives(room):
    base = datetime.now(HEL).replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=20)
    people = volunteers(6)

    def book(index, user, association):
        # Each series starts half an hour later than the previous one: every pair overlaps.
        start = base + timedelta(minutes=30 * index)
        return lambda: services.booking_create(
            actor=user,
            association=association,
            room=room,
            title=f"Sarja {index}",
            start=start,
            end=start + timedelta(hours=2),
            rrule="FREQ=WEEKLY;COUNT=10",
        )

    results = race([book(i, u, a) for i, (u, a) in enumerate(people)])
    assert all(isinstance(r, services.BookingResult | services.BookingConflict) for r in results), results
    assert overlapping_confirmed_pairs() == 0
    assert Occurrence.objects.filter(room=room, status=Status.CONFIRMED).count() >= 10


def test_the_exclusion_constraint_refuses_an_overlap_written_behind_the_service(room):
    from django.db import IntegrityError, transaction

    from tests.factories import BookingFactory, OccurrenceFactory

    start = datetime.now(HEL) + timedelta(days=5)
    OccurrenceFactory(booking=BookingFactory(room=room, start=start, end=start + timedelta(hours=2)))
    with pytest.raises(IntegrityError, match="occurrence_no_overlap_confirmed"), transaction.atomic():
        OccurrenceFactory(
            booking=BookingFactory(
                room=room, start=start + timedelta(hours=1), end=start + timedelta(hours=3)
            )
        )


def test_a_lost_race_the_check_missed_still_answers_as_a_conflict(room, monkeypatch):
    """If the friendly check is blind (another server committed in between), the constraint answers."""
    start = datetime.now(HEL).replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=40)
    (first_user, first_assoc), (second_user, second_assoc) = volunteers(2)
    services.booking_create(
        actor=first_user,
        association=first_assoc,
        room=room,
        title="Eka",
        start=start,
        end=start + timedelta(hours=2),
    )
    real = services.find_conflicts
    calls = []

    def blind_once(*args, **kwargs):
        calls.append(1)
        return [] if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(services, "find_conflicts", blind_once)
    with pytest.raises(services.BookingConflict) as caught:
        services.booking_create(
            actor=second_user,
            association=second_assoc,
            room=room,
            title="Toka",
            start=start + timedelta(hours=1),
            end=start + timedelta(hours=3),
        )
    assert len(caught.value.conflicts) == 1
    assert overlapping_confirmed_pairs() == 0
