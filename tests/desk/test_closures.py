"""A closure first lists what it hits; confirmed, it cancels and declines them and tells the associations."""

from django.core import mail

from audit.models import AuditEntry
from booking.models import Status
from booking.services import booking_create
from tests.factories import RoomFactory
from venues.models import Closure

from .conftest import at

URL = "/coordinator/closures/new/"


def _form(venue, room, start, end, **extra):
    data = {
        "venue": venue.pk,
        "room": room.pk if room else "",
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": end.strftime("%Y-%m-%dT%H:%M"),
        "reason": "Putkiremontti",
    }
    data.update(extra)
    return data


def _hall_booking(users, association, room):
    return booking_create(
        actor=users.admin,
        association=association,
        room=room,
        title="Tuolijumppa",
        start=at(5, 10),
        end=at(5, 11),
    ).booking


def test_it_previews_the_hits_without_saving(login, users, venue, room, association, rivals):
    _hall_booking(users, association, room)
    response = login(users.coordinator).post(URL, _form(venue, None, at(5, 0), at(11, 0), preview="1"))
    assert response.status_code == 200
    assert len(response.context["hits"]) == 3  # the hall booking and both kitchen requests
    assert not Closure.objects.exists()
    assert "Tuolijumppa" in response.content.decode()


def test_confirming_cancels_declines_and_tells_with_alternatives(
    login,
    users,
    venue,
    room,
    association,
    other_association,
    rivals,
    kitchen,
    django_capture_on_commit_callbacks,
):
    RoomFactory(venue=venue, name="Kerhohuone", slug="kerhohuone", capacity=20)
    hall = _hall_booking(users, association, room)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(users.coordinator).post(URL, _form(venue, room, at(5, 0), at(6, 0), confirm="1"))
    assert response.status_code == 302
    closure = Closure.objects.get()
    assert closure.room == room and closure.reason == "Putkiremontti"
    assert hall.occurrences.get().status == Status.CANCELLED
    assert all(o.status == Status.PENDING for r in rivals for o in r.occurrences.all())  # kitchen untouched
    (message,) = [m for m in mail.outbox if "Putkiremontti" in m.subject]
    assert association.contact_email in message.to
    assert "Tuolijumppa" in message.body and "Kerhohuone" in message.body  # free at the same time
    assert AuditEntry.objects.filter(action="closure.created", actor=users.coordinator).exists()


def test_a_venue_closure_declines_pending_requests(login, users, venue, rivals, other_association):
    login(users.coordinator).post(URL, _form(venue, None, at(10, 0), at(11, 0), confirm="1"))
    for booking in rivals:
        assert booking.occurrences.get().status == Status.DECLINED
        booking.refresh_from_db()
        assert booking.status_reason == "Putkiremontti"


def test_bad_input_is_answered_next_to_the_field(login, users, venue, room):
    client = login(users.coordinator)
    response = client.post(URL, _form(venue, room, at(6, 0), at(5, 0), preview="1"))
    assert response.status_code == 400
    assert response.context["form"].errors["end"]
    other_room = RoomFactory()
    response = client.post(URL, _form(venue, other_room, at(5, 0), at(6, 0), confirm="1"))
    assert response.status_code == 400 and response.context["form"].errors["room"]
    response = client.post(URL, {"venue": "99999999999999999999", "start": "nonsense", "confirm": "1"})
    assert response.status_code == 400
    assert not Closure.objects.exists()


def test_only_coordinators_close(login, users, venue, room):
    assert (
        login(users.admin).post(URL, _form(venue, room, at(5, 0), at(6, 0), confirm="1")).status_code == 403
    )
    assert login(users.admin).get(URL).status_code == 403
    assert not Closure.objects.exists()
