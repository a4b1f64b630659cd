"""Publishing books every granted slot as one weekly series, once, through the booking service."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from icalendar import Calendar

from booking import services as booking_services
from booking.models import Booking, Occurrence, Status
from seasons import services
from seasons.models import Application, Outcome, Season

from ..factories import ClosureFactory
from .conftest import apply, local, wish

pytestmark = pytest.mark.django_db


def tuesdays(season):
    day = season.start + timedelta(days=(2 - season.start.isoweekday()) % 7)
    days = []
    while day <= season.end:
        days.append(day)
        day += timedelta(days=7)
    return days


def allocate_and_publish(season, coordinator, capture=None):
    with time_machine.travel(season.applications_close + timedelta(minutes=1), tick=True):
        services.season_allocate(actor=coordinator, season=season)
        return services.season_publish(actor=coordinator, season=season)


def test_each_granted_application_becomes_one_weekly_series(users, association, season, room):
    application = apply(season, users.admin, association, wish(room, 2, "18:00", "20:00"))
    result = allocate_and_publish(season, users.coordinator)
    assert len(result.booked) == 1
    booking = Outcome.objects.get(application=application).booking
    assert booking.status == Status.CONFIRMED
    assert booking.rrule.startswith("FREQ=WEEKLY;UNTIL=")
    starts = [o.start for o in booking.occurrences.order_by("start")]
    assert starts == [local(season, d, 18) for d in tuesdays(season)]
    assert {o.status for o in booking.occurrences.all()} == {Status.CONFIRMED}
    application.refresh_from_db()
    assert application.status == Application.Status.GRANTED
    assert Season.objects.get(pk=season.pk).status == "published"


def test_publication_confirms_even_where_the_room_needs_approval(users, association, season, room):
    room.requires_approval = True
    room.save()
    application = apply(season, users.admin, association, wish(room, 2))
    allocate_and_publish(season, users.coordinator)
    assert Outcome.objects.get(application=application).booking.status == Status.CONFIRMED


def test_publishing_twice_books_nothing_twice(users, association, season, room):
    apply(season, users.admin, association, wish(room, 2))
    allocate_and_publish(season, users.coordinator)
    count = Occurrence.objects.count()
    again = services.season_publish(actor=users.coordinator, season=season)
    assert again.already and again.booked == []
    assert Occurrence.objects.count() == count
    assert Booking.objects.count() == 1


def test_held_dates_and_closures_are_left_out_and_said_so(
    users, association, other_association, season, room
):
    days = tuesdays(season)
    taken = local(season, days[2], 19)
    booking_services.booking_create(
        actor=users.outsider,
        association=other_association,
        room=room,
        title="Kokous",
        start=taken,
        end=taken + timedelta(hours=1),
    )
    ClosureFactory(
        venue=season.venue,
        start=local(season, days[4], 0),
        end=local(season, days[4], 23),
        reason="Remontti",
    )
    application = apply(season, users.admin, association, wish(room, 2, "18:00", "20:00"))
    allocate_and_publish(season, users.coordinator)
    outcome = Outcome.objects.get(application=application)
    starts = {o.start for o in outcome.booking.occurrences.all()}
    assert local(season, days[2], 18) not in starts
    assert local(season, days[4], 18) not in starts
    assert len(starts) == len(days) - 2
    reasons = {d["start"][:10]: d["reason"] for d in outcome.left_out}
    assert set(reasons) == {days[2].isoformat(), days[4].isoformat()}
    assert reasons[days[4].isoformat()] == "Remontti"


def test_a_wish_whose_every_date_is_held_is_never_granted(users, association, season, room):
    for day in tuesdays(season):
        ClosureFactory(
            venue=season.venue, room=room, start=local(season, day, 17), end=local(season, day, 21)
        )
    application = apply(season, users.admin, association, wish(room, 2), wish(room, 3))
    allocate_and_publish(season, users.coordinator)
    outcome = Outcome.objects.get(application=application)
    assert outcome.wish == 2


def test_refused_applications_are_refused_at_publication(users, association, other_association, season, room):
    apply(season, users.admin, association, wish(room, 2))
    refused = apply(season, users.outsider, other_association, wish(room, 2))
    services.season_pin(actor=users.coordinator, application=refused, kind="refuse")
    allocate_and_publish(season, users.coordinator)
    refused.refresh_from_db()
    assert refused.status == Application.Status.REFUSED
    assert not hasattr(refused, "outcome") or refused.outcome.booking is None


def test_each_association_gets_one_email_with_its_series(
    users, association, other_association, season, room, hall, mailoutbox, django_capture_on_commit_callbacks
):
    apply(season, users.admin, association, wish(room, 2), title="Kuoro")
    apply(season, users.admin, association, wish(hall, 4, "10:00", "11:00"), title="Askartelu")
    apply(season, users.outsider, other_association, wish(room, 2), wish(room, 5), title="Jumppa")
    with django_capture_on_commit_callbacks(execute=True):
        allocate_and_publish(season, users.coordinator)
    assert len(mailoutbox) == 2
    mine = next(m for m in mailoutbox if association.contact_email in m.to)
    assert "Kuoro" in mine.body and "Askartelu" in mine.body
    assert mine.subject.startswith("Kausi")  # Finnish by default
    (name, content, mimetype) = mine.attachments[0]
    assert mimetype == "text/calendar"
    calendar = Calendar.from_ical(content)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 2
    assert all("RRULE" in e for e in events)
    theirs = next(m for m in mailoutbox if other_association.contact_email in m.to)
    assert "Jumppa" in theirs.body and "Kuoro" not in theirs.body


def test_publication_needs_a_proposal(users, season, after_deadline):
    with pytest.raises(Exception) as error:
        services.season_publish(actor=users.coordinator, season=season)
    assert "allocation" in str(error.value).lower() or "jako" in str(error.value).lower()


@pytest.mark.postgres
def test_a_one_off_booking_made_meanwhile_is_left_out(users, association, other_association, season, room):
    """The one-off booking holds the room's lock first; publication waits, then leaves its date out."""
    application = apply(season, users.admin, association, wish(room, 2, "18:00", "20:00"))
    with time_machine.travel(season.applications_close + timedelta(minutes=1), tick=True):
        services.season_allocate(actor=users.coordinator, season=season)
    days = tuesdays(season)
    taken = local(season, days[1], 18, 30)
    booked = threading.Event()
    release = threading.Event()

    def one_off():
        from django.db import transaction

        try:
            with transaction.atomic():
                booking_services.booking_create(
                    actor=users.outsider,
                    association=other_association,
                    room=room,
                    title="Kokous",
                    start=taken,
                    end=taken + timedelta(hours=1),
                )
                booked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=one_off)
    thread.start()
    assert booked.wait(10)
    timer = threading.Timer(1.0, release.set)
    timer.start()
    services.season_publish(actor=users.coordinator, season=season)
    thread.join()
    outcome = Outcome.objects.get(application=application)
    starts = {o.start for o in outcome.booking.occurrences.all()}
    assert local(season, days[1], 18) not in starts
    assert len(starts) == len(days) - 1
    assert [d["start"][:10] for d in outcome.left_out] == [days[1].isoformat()]
    confirmed = Occurrence.objects.filter(room=room, status=Status.CONFIRMED, start__date=taken.date())
    assert confirmed.count() == 1


def test_dates_beyond_a_shrunk_horizon_are_left_out_and_said_so(users, association, season, room):
    application = apply(season, users.admin, association, wish(room, 2))
    with time_machine.travel(season.applications_close + timedelta(minutes=1), tick=True):
        services.season_allocate(actor=users.coordinator, season=season)
        from django.utils import timezone

        room.booking_horizon_days = (tuesdays(season)[-2] - timezone.localdate()).days + 1
        room.save()
        services.season_publish(actor=users.coordinator, season=season)
    outcome = Outcome.objects.get(application=application)
    assert outcome.booking.occurrences.count() == len(tuesdays(season)) - 1
    assert [d["start"][:10] for d in outcome.left_out] == [tuesdays(season)[-1].isoformat()]


def test_a_moved_application_is_booked_where_the_coordinator_moved_it(users, association, season, room, hall):
    from datetime import time

    application = apply(season, users.admin, association, wish(room, 2))
    services.season_pin(
        actor=users.coordinator,
        application=application,
        kind="move",
        room=hall,
        weekday=4,
        start=time(10),
        end=time(11),
    )
    allocate_and_publish(season, users.coordinator)
    booking = Outcome.objects.get(application=application).booking
    assert booking.room == hall
    assert {o.start.astimezone(season.venue.tz).isoweekday() for o in booking.occurrences.all()} == {4}


def test_a_pin_set_after_the_run_must_be_run_first(users, association, other_association, season, room):
    a = apply(season, users.admin, association, wish(room, 2))
    apply(season, users.outsider, other_association, wish(room, 3))
    with time_machine.travel(season.applications_close + timedelta(minutes=1), tick=True):
        services.season_allocate(actor=users.coordinator, season=season)
        services.season_pin(actor=users.coordinator, application=a, kind="refuse")
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            services.season_publish(actor=users.coordinator, season=season)
    assert not Booking.objects.exists()
