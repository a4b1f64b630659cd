"""Fresh feeds and honest validators (CONTRACT.md, "Calendars people subscribe to").

These tests commit for real (transactional): the feed's cache and validators follow what
the database has committed, as every other app server sees it.
"""

import threading
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from icalendar import Calendar

from booking.models import Booking, Category, Occurrence
from venues.models import Municipality, Room, Venue

from ..factories import CategoryFactory, MunicipalityFactory, UserFactory
from .admin_form import admin_save
from .calendar_data import local, make_series

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("frozen_now")]


def _get(client, **headers):
    return client.get("/calendar.ics", **headers)


def _text(client) -> str:
    response = _get(client)
    assert response.status_code == 200
    return Calendar.from_ical(response.content).to_ical().decode()


def _lm(response):
    return parsedate_to_datetime(response["Last-Modified"])


@pytest.fixture
def admin_client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fi"  # the feed names the category in Finnish
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def series(room, association):
    return make_series(
        room=room, association=association, first=local(2026, 10, 6, 18), category=CategoryFactory()
    )


def test_a_room_renamed_in_the_admin_shows_in_the_next_feed(admin_client, series, room):
    assert "Sali" in _text(admin_client)
    admin_save(admin_client, f"/admin/venues/room/{room.pk}/change/", name="Iso sali")
    assert "Iso sali" in _text(admin_client)


def test_venue_association_and_category_edits_in_the_admin_show_at_once(
    admin_client, series, room, association
):
    _text(admin_client)  # cached now
    admin_save(admin_client, f"/admin/venues/venue/{room.venue_id}/change/", name="Uusi tupa")
    assert "Uusi tupa" in _text(admin_client)
    admin_save(
        admin_client, f"/admin/associations/association/{association.pk}/change/", name="Uusi yhdistys"
    )
    assert "Uusi yhdistys" in _text(admin_client)
    admin_save(admin_client, f"/admin/booking/category/{series.category_id}/change/", name_fi="Uusi luokka")
    assert "Uusi luokka" in _text(admin_client)


def test_a_booking_deleted_in_the_admin_leaves_the_feed_and_moves_last_modified_on(admin_client, series):
    first = _get(admin_client)
    response = admin_client.post(f"/admin/booking/booking/{series.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    second = _get(admin_client, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert second.status_code == 200
    assert "VEVENT" not in second.content.decode()
    assert _lm(second) > _lm(first)


def test_cancelling_a_whole_booking_never_moves_last_modified_back(client, api, users, series):
    first = _get(client)
    answer = api(users.admin).post(f"/api/v1/bookings/{series.pk}/cancel", {}, format="json")
    assert answer.status_code == 200, answer.content
    # Revalidating with the old validators: the cancelled event must leave, not get a 304.
    assert _get(client, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 200
    assert _get(client, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    second = _get(client)
    assert "VEVENT" not in second.content.decode()
    assert _lm(second) > _lm(first)
    assert second["ETag"] != first["ETag"]
    assert _get(client, HTTP_IF_MODIFIED_SINCE=second["Last-Modified"]).status_code == 304


def test_several_changes_in_one_second_each_get_a_later_last_modified(client, series):
    seen = []
    for n in range(4):
        Booking.objects.filter(pk=series.pk).update(title=f"Jumppa {n}")
        response = _get(client)
        assert f"Jumppa {n}" in response.content.decode()
        seen.append(_lm(response))
    assert seen == sorted(set(seen))


def test_a_change_made_without_any_cache_call_reaches_every_cache(client, series):
    _get(client)
    hour = timedelta(hours=1)
    Occurrence.objects.filter(booking=series).update(end=F("end") + hour, block_end=F("block_end") + hour)
    assert "T210000" in _text(client)
    cache.clear()  # another server's empty cache reads the same version
    assert "T210000" in _text(client)


@pytest.mark.postgres
def test_a_writer_in_flight_is_neither_cached_nor_given_a_last_modified(client, series, room):
    """PostgreSQL may commit ids out of order: A takes the lower id, B commits first."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fi"  # the feed names the category in Finnish
    _get(client)
    a_wrote, b_done, release = threading.Event(), threading.Event(), threading.Event()

    def writer_a():
        try:
            with transaction.atomic():
                Room.objects.filter(pk=room.pk).update(name="Ensimmäinen")
                a_wrote.set()
                release.wait(10)
        finally:
            connection.close()

    def writer_b():
        try:
            a_wrote.wait(10)
            Category.objects.filter(pk=series.category_id).update(name_fi="Toinen")
            b_done.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
    for thread in threads:
        thread.start()
    assert b_done.wait(10)
    during = _get(client)
    assert "Toinen" in during.content.decode() and "Ensimmäinen" not in during.content.decode()
    assert "Last-Modified" not in during  # a later commit of A could not move it on
    release.set()
    for thread in threads:
        thread.join(10)
    after = _get(client)
    assert "Ensimmäinen" in after.content.decode()  # not a render cached while A was open
    assert "Last-Modified" in after


def test_two_servers_render_the_same_bytes_for_the_same_version(client, series):
    first = _get(client)
    cache.clear()  # a second server renders on its own
    second = _get(client)
    assert second.content == first.content
    assert (second["ETag"], second["Last-Modified"]) == (first["ETag"], first["Last-Modified"])


def test_a_renamed_municipality_names_its_feed_at_once(client, series, room):
    # The municipality's feed is named after it (X-WR-CALNAME): a rename is a change to the feed.
    joutsa = MunicipalityFactory(name="Joutsa", slug="joutsa")
    Venue.objects.filter(pk=room.venue_id).update(municipality=joutsa)
    feed = {"path": "/calendar.ics", "data": {"municipality": joutsa.pk}}
    first = client.get(**feed)
    assert "Joutsa" in str(Calendar.from_ical(first.content)["X-WR-CALNAME"])
    Municipality.objects.filter(pk=joutsa.pk).update(name="Joutsan kunta")  # no cache call, no signal
    second = client.get(**feed, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert "Joutsan kunta" in str(Calendar.from_ical(second.content)["X-WR-CALNAME"])
    assert second["ETag"] != first["ETag"]
    assert _lm(second) > _lm(first)
