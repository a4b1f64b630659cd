"""Writers and several catch-ups at once, on PostgreSQL with real commits: nothing is lost or
counted twice (stats/rollup.py, "Concurrency")."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction

from booking.models import Occurrence, Status
from stats import direct, selectors
from stats.models import RollupPending
from stats.rollup import catch_up
from tests.factories import AssociationFactory, BookingFactory, RoomFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HEL = ZoneInfo("Europe/Helsinki")


def test_writers_and_catch_ups_at_once_leave_the_rollup_exact():
    room = RoomFactory()
    association = AssociationFactory()
    failures: list[BaseException] = []
    writing = threading.Event()

    def writer(offset: int) -> None:
        try:
            for n in range(25):
                with transaction.atomic():
                    booking = BookingFactory(association=association, room=room)
                    start = datetime(2026, 3, 1, 8, tzinfo=HEL) + timedelta(hours=3 * (n * 2 + offset))
                    row = Occurrence.for_date(
                        booking=booking, room=room, start=start, end=start + timedelta(hours=2),
                        status=Status.CONFIRMED,
                    )  # fmt: skip
                    row.attendance = n
                    row.save()
                    if n % 3 == 0:
                        Occurrence.objects.filter(pk=row.pk).update(status=Status.CANCELLED)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
        finally:
            connection.close()

    def reader() -> None:
        try:
            while writing.is_set():
                catch_up()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
        finally:
            connection.close()

    writing.set()
    readers = [threading.Thread(target=reader) for _ in range(2)]
    writers = [threading.Thread(target=writer, args=(k,)) for k in range(2)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join(60)
    writing.clear()
    for thread in readers:
        thread.join(60)
    assert failures == []
    figures = selectors.usage(start=date(2026, 2, 1), end=date(2026, 4, 30), venue=room.venue)
    assert not RollupPending.objects.exists()
    got = figures.as_contract()
    assert got == direct.as_contract(figures)
    # 50 dates written, every third of each writer's cancelled: 2 x 16 remain.
    assert got["associations"][0]["events"] == 32
