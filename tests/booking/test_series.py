"""Editing a series: details, and the future dates re-checked and re-materialised at once."""

from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from booking import services
from booking.models import Booking, Occurrence, Status
from booking.series import booking_update_series
from tests.factories import ClosureFactory

from ..conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def series(users, association, room):
    return services.booking_create(
        actor=users.member,
        association=association,
        room=room,
        title="Tuolijumppa",
        start=at("2026-11-24", 18),
        end=at("2026-11-24", 20),
        rrule="FREQ=WEEKLY;COUNT=4",
    ).booking


def starts(booking) -> list[datetime]:
    return list(
        booking.occurrences.exclude(status=Status.CANCELLED).order_by("start").values_list("start", flat=True)
    )


def test_it_moves_the_future_dates_and_keeps_the_past(frozen, users, series):
    frozen.move_to(at("2026-12-02", 9))  # two dates are over
    sequence = series.sequence
    updated = booking_update_series(
        actor=users.member,
        booking=series,
        title="Tuolijumppa",
        start=at("2026-12-03", 10),
        end=at("2026-12-03", 12),
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    assert starts(updated) == [
        at("2026-11-24", 18),
        at("2026-12-01", 18),
        at("2026-12-03", 10),
        at("2026-12-10", 10),
        at("2026-12-17", 10),
    ]
    assert updated.rrule == "FREQ=WEEKLY;COUNT=3"
    assert Booking.objects.get(pk=series.pk).sequence > sequence
    assert AuditEntry.objects.filter(action="booking.updated", actor=users.member).exists()


def test_a_conflict_changes_nothing(users, other_association, room, series):
    services.booking_create(
        actor=users.outsider,
        association=other_association,
        room=room,
        title="Muiden",
        start=at("2026-12-10", 10),
        end=at("2026-12-10", 11),
    )
    before = starts(series)
    with pytest.raises(services.BookingConflict) as error:
        booking_update_series(
            actor=users.member,
            booking=series,
            title="Uusi nimi",
            start=at("2026-12-03", 10),
            end=at("2026-12-03", 12),
            rrule="FREQ=WEEKLY;COUNT=3",
        )
    assert [c.requested_start for c in error.value.conflicts] == [at("2026-12-10", 10)]
    series.refresh_from_db()
    assert series.title == "Tuolijumppa"
    assert starts(series) == before


def test_rule_violations_change_nothing(users, venue, series):
    ClosureFactory(venue=venue, start=at("2026-12-10", 0), end=at("2026-12-11", 0), reason="Joulusiivous")
    before = starts(series)
    with pytest.raises(ValidationError) as error:
        booking_update_series(
            actor=users.member,
            booking=series,
            title="Tuolijumppa",
            start=at("2026-12-03", 10),
            end=at("2026-12-03", 12),
            rrule="FREQ=WEEKLY;COUNT=3",
        )
    assert "Joulusiivous" in str(error.value.message_dict["start"])
    assert starts(series) == before


def test_its_own_old_dates_do_not_conflict(users, series):
    booking_update_series(
        actor=users.member,
        booking=series,
        title="Tuolijumppa",
        start=at("2026-11-24", 19),
        end=at("2026-11-24", 21),
        rrule="FREQ=WEEKLY;COUNT=4",
    )
    assert starts(series)[0] == at("2026-11-24", 19)
    assert Occurrence.objects.filter(booking=series).count() == 4


def test_outsider_cannot_edit(users, series):
    with pytest.raises(PermissionDenied):
        booking_update_series(actor=users.outsider, booking=series, title="Kaapattu")


# ---------------------------------------------------------------- the page


def edit_data(**kw) -> dict:
    data = {
        "title": "Tuolijumppa",
        "date": "2026-11-24",
        "start": "18:00",
        "end": "20:00",
        "repeat": "weekly",
        "weekdays": ["1"],
        "count": "4",
        "is_public": "on",
        "audience": "everyone",
    }
    data.update(kw)
    return data


def test_the_page_shows_the_current_pattern(client, users, series):
    client.force_login(users.member)
    response = client.get(f"/bookings/{series.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="2026-11-24"' in html and 'value="18:00"' in html
    assert 'value="weekly" id="id_repeat_1" required checked' in html or "checked" in html
    assert "Every Tuesday, 4 times" in html


def test_details_only_keep_the_dates(client, users, series):
    ids = list(series.occurrences.values_list("pk", flat=True))
    client.force_login(users.member)
    response = client.post(f"/bookings/{series.pk}/edit/", edit_data(title="Tuolijumppa ja kahvit"))
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.title == "Tuolijumppa ja kahvit"
    assert sorted(series.occurrences.values_list("pk", flat=True)) == sorted(ids)


def test_a_new_time_rematerialises(client, users, series):
    client.force_login(users.member)
    response = client.post(f"/bookings/{series.pk}/edit/", edit_data(start="10:00", end="11:30", count="2"))
    assert response.status_code == 302
    assert starts(series) == [at("2026-11-24", 10), at("2026-12-01", 10)]


def test_a_conflicting_edit_is_shown_and_saves_nothing(client, users, other_association, room, series):
    services.booking_create(
        actor=users.outsider,
        association=other_association,
        room=room,
        title="Salainen",
        start=at("2026-12-01", 10),
        end=at("2026-12-01", 11),
        is_public=False,
    )
    client.force_login(users.member)
    response = client.post(f"/bookings/{series.pk}/edit/", edit_data(start="10:00", end="11:30"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "nothing was changed" in html and "Reserved" in html and "Salainen" not in html
    assert starts(series)[0] == at("2026-11-24", 18)


def test_bad_input_is_a_field_error(client, users, series):
    client.force_login(users.member)
    response = client.post(f"/bookings/{series.pk}/edit/", edit_data(start="21:00", end="23:00"))
    assert response.status_code == 400
    assert "outside the opening hours" in response.content.decode()
    response = client.post(f"/bookings/{series.pk}/edit/", edit_data(title=""))
    assert response.status_code == 400


def test_outsider_gets_404_and_anonymous_goes_to_sign_in(client, users, series):
    assert client.get(f"/bookings/{series.pk}/edit/")["Location"].startswith("/accounts/login/")
    client.force_login(users.outsider)
    assert client.get(f"/bookings/{series.pk}/edit/").status_code == 404
    assert client.post(f"/bookings/{series.pk}/edit/", edit_data(title="x")).status_code == 404
