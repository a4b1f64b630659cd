"""The booking form: book once or as a series, conflicts, only the free dates, rule errors."""

import pytest
from django.urls import reverse

from booking import services
from booking.models import Booking, Occurrence, Status
from tests.factories import AssociationFactory, ClosureFactory, RoomFactory

from ..conftest import at

URL = reverse("booking:new")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def form_data(association, room, **kw) -> dict:
    data = {
        "association": association.pk,
        "room": room.pk,
        "title": "Tuolijumppa",
        "date": "2026-12-01",
        "start": "18:00",
        "end": "20:00",
        "repeat": "none",
        "is_public": "on",
        "audience": "everyone",
    }
    data.update(kw)
    return data


def book_other(
    users, other_association, room, start, end, *, public=False, title="Salainen kokous", rrule=""
):
    return services.booking_create(
        actor=users.outsider,
        association=other_association,
        room=room,
        title=title,
        start=start,
        end=end,
        rrule=rrule,
        is_public=public,
    ).booking


def test_it_shows_the_form_prefilled_from_a_free_slot(client, users, association, room):
    client.force_login(users.member)
    response = client.get(URL, {"room": room.pk, "start": "2026-12-01T18:00"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="2026-12-01"' in html
    assert 'value="18:00"' in html and 'value="19:00"' in html
    assert f'<option value="{room.pk}" selected>' in html
    assert association.name in html


def test_it_offers_only_bookable_associations(client, users, association, other_association, room):
    client.force_login(users.member)
    form = client.get(URL).context["form"]
    assert list(form.fields["association"].queryset) == [association]
    # The other association is offered only as a possible co-host.
    assert other_association in form.fields["cohosts"].queryset


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_books_once_in_local_time(client, users, association, room):
    client.force_login(users.member)
    response = client.post(URL, form_data(association, room))
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == booking.get_absolute_url()
    assert booking.start == at("2026-12-01", 18)
    assert booking.end == at("2026-12-01", 20)
    assert booking.status == Status.CONFIRMED
    assert booking.created_by == users.member


def test_it_books_a_weekly_series_in_plain_words(client, users, association, room):
    client.force_login(users.member)
    data = form_data(association, room, repeat="weekly", until="2026-12-22")
    response = client.post(URL, data)
    assert response.status_code == 302
    booking = Booking.objects.get()
    # Stored as RFC 5545 wants beside a timed start: the end of that day in Helsinki, in UTC.
    assert booking.rrule == "FREQ=WEEKLY;UNTIL=20261222T215959Z"
    assert booking.occurrences.count() == 4


def test_outsider_cannot_book_for_another_association(client, users, association, room):
    client.force_login(users.outsider)
    response = client.post(URL, form_data(association, room))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Booking.objects.exists()


def test_end_before_start_is_a_field_error(client, users, association, room):
    client.force_login(users.member)
    response = client.post(URL, form_data(association, room, start="20:00", end="18:00"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_end_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'role="alert"' in html


def test_series_without_an_end_is_a_field_error(client, users, association, room):
    client.force_login(users.member)
    response = client.post(URL, form_data(association, room, repeat="weekly"))
    assert response.status_code == 400
    assert "Say when the series ends" in response.content.decode()


def test_rule_violations_show_next_to_the_fields(client, users, association, room):
    client.force_login(users.member)
    response = client.post(URL, form_data(association, room, start="21:00", end="23:00"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "outside the opening hours" in html
    assert 'id="id_start_error"' in html
    assert not Booking.objects.exists()


def test_a_closure_is_reported(client, users, association, room, venue):
    ClosureFactory(venue=venue, start=at("2026-12-01", 0), end=at("2026-12-02", 0), reason="Remontti")
    client.force_login(users.member)
    response = client.post(URL, form_data(association, room))
    assert response.status_code == 400
    assert "closed (Remontti)" in response.content.decode()


def test_malformed_input_is_never_a_500(client, users, association, room):
    client.force_login(users.member)
    bad = form_data(association, room, date="2026-13-45", start="x", count="-3", weekdays=["9"])
    response = client.post(URL, {**bad, "room": "abc"})
    assert response.status_code == 400
    response = client.get(URL, {"start": "not-a-dateTime", "room": "x"})
    assert response.status_code == 200


def test_conflict_lists_dates_and_hides_private_titles(client, users, association, other_association, room):
    book_other(users, other_association, room, at("2026-12-08", 17), at("2026-12-08", 19))
    client.force_login(users.member)
    data = form_data(association, room, repeat="weekly", count="3")
    response = client.post(URL, data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "nothing was booked" in html
    assert "Tue 8.12.2026 18:00–20:00" in html
    assert "Reserved" in html and "(17:00–19:00)" in html
    assert "Salainen kokous" not in html
    assert "Book only the free dates" in html
    assert not Booking.objects.filter(association=association).exists()


def test_conflict_shows_public_titles(client, users, association, other_association, room):
    book_other(
        users, other_association, room, at("2026-12-01", 19), at("2026-12-01", 21), public=True, title="Bingo"
    )
    client.force_login(users.member)
    response = client.post(URL, form_data(association, room))
    assert response.status_code == 409
    assert "“Bingo”" in response.content.decode()


def test_conflict_offers_alternatives(client, users, association, other_association, room, venue):
    RoomFactory(venue=venue, name="Kerhohuone", slug="kerho", capacity=20)
    book_other(users, other_association, room, at("2026-12-01", 18), at("2026-12-01", 20))
    client.force_login(users.member)
    response = client.post(URL, form_data(association, room, expected_attendance="12"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Tue 1.12.2026 20:00–22:00" in html  # the nearest free time in the same room
    assert "Kerhohuone" in html
    # A one-off has no free dates to keep: no "only free dates" button.
    assert "Book only the free dates" not in html


def test_only_free_dates_books_the_rest_and_lists_the_skipped(
    client, users, association, other_association, room
):
    book_other(users, other_association, room, at("2026-12-08", 17), at("2026-12-08", 19))
    client.force_login(users.member)
    data = form_data(association, room, repeat="weekly", count="3", only_free_dates="1")
    response = client.post(URL, data, follow=True)
    assert response.status_code == 200
    booking = Booking.objects.get(association=association)
    starts = list(booking.occurrences.values_list("start", flat=True))
    assert starts == [at("2026-12-01", 18), at("2026-12-15", 18)]
    html = response.content.decode()
    assert "Dates skipped because they were taken" in html
    assert "Tue 8.12.2026 18:00" in html


def test_approval_room_gives_a_pending_request(client, users, association, approval_room):
    client.force_login(users.member)
    response = client.post(URL, form_data(association, approval_room), follow=True)
    assert Occurrence.objects.get().status == Status.PENDING
    assert "waits for a coordinator" in response.content.decode()


def test_pending_association_is_not_offered(client, users, room):
    pending = AssociationFactory(status="pending")
    users.member.memberships.create(association=pending, role="admin")
    client.force_login(users.member)
    response = client.post(URL, form_data(pending, room))
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_a_single_association_is_preselected(client, users, association, room):
    client.force_login(users.member)
    html = client.get(URL).content.decode()
    assert f'<option value="{association.pk}" selected>' in html


def test_booking_templates_have_no_inline_styles_or_scripts():
    # The Content-Security-Policy blocks both.
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "templates" / "booking"
    mine = [*folder.glob("*.html"), *folder.glob("partials/**/*.html")]
    assert mine
    for path in mine:
        if path.name.startswith("event"):
            continue
        text = path.read_text()
        assert "style=" not in text and "<script" not in text, path
