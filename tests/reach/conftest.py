"""A public weekly series, a one-off event, and dates nobody outside may see."""

from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from booking.models import CoHost, Status

from ..factories import BookingFactory, CategoryFactory, CoHostFactory, OccurrenceFactory

HEL = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def programme(venue, room, association, other_association):
    exercise = CategoryFactory()
    first = datetime(2026, 12, 1, 10, tzinfo=HEL)
    series = BookingFactory(
        association=association,
        room=room,
        title="Tuolijumppa",
        description="Kevyttä jumppaa tuolilla istuen.",
        start=first,
        end=first + timedelta(hours=1),
        rrule="FREQ=WEEKLY;COUNT=3",
        category=exercise,
        audience="seniors",
        image_url="https://example.org/jumppa.jpg",
        image_alt="Ikäihmiset jumppaavat tuoleilla",
    )
    CoHostFactory(booking=series, association=other_association, status=CoHost.Status.ACCEPTED)
    dates = [
        OccurrenceFactory(
            booking=series, start=first + timedelta(weeks=i), end=first + timedelta(weeks=i, hours=1)
        )
        for i in range(3)
    ]
    dates[1].status = Status.CANCELLED
    dates[1].save()
    one_off = BookingFactory(
        association=association,
        room=None,
        location="Joutsan tori",
        title="Joulumyyjäiset",
        start=datetime(2026, 12, 5, 9, tzinfo=HEL),
        end=datetime(2026, 12, 5, 14, tzinfo=HEL),
        is_free=False,
    )
    market = OccurrenceFactory(booking=one_off, room=None)
    private = BookingFactory(
        association=association,
        room=room,
        title="Hallituksen kokous",
        is_public=False,
        start=datetime(2026, 12, 2, 18, tzinfo=HEL),
        end=datetime(2026, 12, 2, 20, tzinfo=HEL),
    )
    OccurrenceFactory(booking=private)
    pending = BookingFactory(
        association=association,
        room=room,
        title="Odottaa",
        status=Status.PENDING,
        start=datetime(2026, 12, 3, 18, tzinfo=HEL),
        end=datetime(2026, 12, 3, 20, tzinfo=HEL),
    )
    OccurrenceFactory(booking=pending)
    return SimpleNamespace(series=series, dates=dates, one_off=one_off, market=market)


@pytest.fixture
def programme_data(programme):
    return programme


@pytest.fixture
def municipal_programme(region, association):
    """One public event in each municipality of `region` and one off site, on Wednesday 2.12.2026."""

    def event(room, title, hour, **fields):
        start = datetime(2026, 12, 2, hour, tzinfo=HEL)
        booking = BookingFactory(
            association=association,
            room=room,
            title=title,
            start=start,
            end=start + timedelta(hours=1),
            **fields,
        )
        OccurrenceFactory(booking=booking)
        return booking

    return SimpleNamespace(
        region=region,
        joutsa=event(region.room, "Tuolijumppa Joutsassa", 10),
        luhanka=event(region.school_room, "Kansantanhut Luhangassa", 12),
        offsite=event(None, "Retki Päijänteelle", 14, location="Päijänne"),
    )
