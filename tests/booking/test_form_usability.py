"""The booking form for everyday use: errors summarised at the top, a one-off booking without
the series fields in the way, publishing a deliberate choice, a room's approval said aloud."""

from datetime import datetime

import pytest

from associations.models import Association
from booking.models import Booking
from tests.conftest import HEL
from tests.factories import MembershipFactory, RoomFactory

from .test_pages_booking_form import URL, book_other, form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_errors_are_listed_at_the_top_each_linking_its_field(client, users, association, room):
    client.force_login(users.member)
    response = client.post(URL, form_data(association, room, title="", start="", is_public=""))
    assert response.status_code == 400
    html = response.content.decode()
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    assert 'href="#id_title"' in summary and 'href="#id_start"' in summary
    assert 'href="#id_is_public"' in summary
    assert "Choose whether the event is public or private." in summary
    assert html.index('class="error-summary"') < html.index('name="title"')
    assert "js/error-summary.js" in html


def test_the_series_fields_wait_behind_a_summary(client, users, association, room):
    client.force_login(users.member)
    html = client.get(URL).content.decode()
    details = html.split('class="form-more form-more--repeat"')[1]
    assert details.startswith(">")  # closed for a one-off booking
    assert 'name="repeat"' in details.split("</details>")[0]
    response = client.post(URL, form_data(association, room, repeat="weekly", count=""))
    assert 'class="form-more form-more--repeat" open' in response.content.decode()


def test_public_is_chosen_not_preselected(client, users, association, room):
    client.force_login(users.member)
    html = client.get(URL).content.decode()
    assert 'name="is_public" value="False"' in html and 'name="is_public" value="True"' in html
    assert "checked" not in html.split('name="is_public" value="False"')[1][:40]
    assert "checked" not in html.split('name="is_public" value="True"')[1][:40]
    response = client.post(URL, form_data(association, room, is_public="False"))
    assert response.status_code == 302
    assert Booking.objects.get().is_public is False


def test_the_old_checkbox_value_still_means_public(client, users, association, room):
    client.force_login(users.member)
    assert client.post(URL, form_data(association, room, is_public="on")).status_code == 302
    assert Booking.objects.get().is_public is True


def test_a_pending_associations_member_gets_no_form(client, db):
    pending = MembershipFactory(association__status=Association.Status.PENDING).user
    client.force_login(pending)
    html = client.get(URL).content.decode()
    assert "You can book once you belong to an approved association." in html
    assert 'id="booking-form"' not in html


def test_alternatives_say_when_a_room_needs_approval(
    client, users, association, other_association, room, venue
):
    RoomFactory(venue=venue, name="Kokoushuone", requires_approval=True, capacity=40)
    book_other(
        users,
        other_association,
        room,
        datetime(2026, 12, 1, 17, tzinfo=HEL),
        datetime(2026, 12, 1, 21, tzinfo=HEL),
    )
    client.force_login(users.member)
    response = client.post(URL, form_data(association, room))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Kokoushuone" in html and "a coordinator approves bookings of this room" in html
