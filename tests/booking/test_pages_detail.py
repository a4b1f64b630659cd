"""A booking's page: who sees it, cancelling, moving a date, co-host answers, attendance."""

import pytest

from audit.models import AuditEntry
from booking import services
from booking.models import CoHost, Status
from tests.factories import BookingFactory, CoHostFactory, OccurrenceFactory

from ..conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def series(users, association, room):
    return services.booking_create(
        actor=users.member,
        association=association,
        room=room,
        title="Tuolijumppa",
        start=at("2026-12-01", 18),
        end=at("2026-12-01", 20),
        rrule="FREQ=WEEKLY;COUNT=3",
        is_public=False,
    ).booking


def url(booking, suffix=""):
    return f"/bookings/{booking.pk}/{suffix}"


def test_member_sees_the_series_in_plain_words(client, users, series):
    client.force_login(users.member)
    response = client.get(url(series))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tuolijumppa" in html
    assert "Every Tuesday, 3 times" in html
    assert "Tue 15.12.2026 18:00–20:00" in html
    assert "Cancel the whole series" in html


def test_outsider_gets_404_for_a_private_booking(client, users, series):
    client.force_login(users.outsider)
    response = client.get(url(series))
    assert response.status_code == 404
    assert "Tuolijumppa" not in response.content.decode()


def test_outsider_is_sent_to_the_public_event_page(client, users, series):
    series.is_public = True
    series.save()
    client.force_login(users.outsider)
    response = client.get(url(series))
    assert response.status_code == 302
    first = series.occurrences.order_by("start").first()
    assert response["Location"] == f"/events/{first.pk}/"


def test_anonymous_is_sent_to_sign_in(client, series):
    response = client.get(url(series))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_coordinator_sees_any_booking(client, users, series):
    client.force_login(users.coordinator)
    response = client.get(url(series))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tuolijumppa" in html and "Cancel the whole series" in html


def test_cancel_asks_for_confirmation_first(client, users, series):
    client.force_login(users.member)
    response = client.post(url(series, "cancel/"), {"scope": "series"})
    assert response.status_code == 200
    assert "Yes, cancel" in response.content.decode()
    assert series.occurrences.filter(status=Status.CONFIRMED).count() == 3


def test_it_cancels_the_whole_series(client, users, series):
    client.force_login(users.member)
    response = client.post(url(series, "cancel/"), {"scope": "series", "confirm": "1", "reason": "Flu"})
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.status == Status.CANCELLED
    assert AuditEntry.objects.filter(action="booking.cancelled", actor=users.member).exists()


def test_it_cancels_one_date(client, users, series):
    second = series.occurrences.order_by("start")[1]
    client.force_login(users.member)
    client.post(url(series, "cancel/"), {"scope": "occurrence", "occurrence": second.pk, "confirm": "1"})
    statuses = list(series.occurrences.order_by("start").values_list("status", flat=True))
    assert statuses == [Status.CONFIRMED, Status.CANCELLED, Status.CONFIRMED]


def test_it_cancels_this_and_following(client, users, series):
    second = series.occurrences.order_by("start")[1]
    client.force_login(users.admin)
    client.post(url(series, "cancel/"), {"scope": "from", "occurrence": second.pk, "confirm": "1"})
    statuses = list(series.occurrences.order_by("start").values_list("status", flat=True))
    assert statuses == [Status.CONFIRMED, Status.CANCELLED, Status.CANCELLED]


def test_outsider_cannot_cancel(client, users, series):
    client.force_login(users.outsider)
    response = client.post(url(series, "cancel/"), {"scope": "series", "confirm": "1"})
    assert response.status_code == 404
    assert series.occurrences.filter(status=Status.CONFIRMED).count() == 3


def test_cancel_with_a_foreign_date_is_404(client, users, series):
    other = OccurrenceFactory()
    client.force_login(users.member)
    response = client.post(
        url(series, "cancel/"), {"scope": "occurrence", "occurrence": other.pk, "confirm": "1"}
    )
    assert response.status_code == 404
    assert series.occurrences.filter(status=Status.CONFIRMED).count() == 3
    other.refresh_from_db()
    assert other.status == Status.CONFIRMED


def test_cancel_without_a_date_is_refused_politely(client, users, series):
    client.force_login(users.member)
    response = client.post(url(series, "cancel/"), {"scope": "from", "confirm": "1"})
    assert response.status_code == 302
    assert series.occurrences.filter(status=Status.CONFIRMED).count() == 3


def test_it_moves_one_date(client, users, series):
    first = series.occurrences.order_by("start").first()
    client.force_login(users.member)
    page = client.get(url(series, f"dates/{first.pk}/move/"))
    assert page.status_code == 200 and 'value="18:00"' in page.content.decode()
    response = client.post(
        url(series, f"dates/{first.pk}/move/"), {"date": "2026-12-02", "start": "10:00", "end": "12:00"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.start == at("2026-12-02", 10)
    assert first.recurrence_id == at("2026-12-01", 18)


def test_moving_onto_a_taken_time_shows_the_conflict(client, users, other_association, series, room):
    services.booking_create(
        actor=users.outsider,
        association=other_association,
        room=room,
        title="Salainen",
        start=at("2026-12-02", 10),
        end=at("2026-12-02", 12),
        is_public=False,
    )
    first = series.occurrences.order_by("start").first()
    client.force_login(users.member)
    response = client.post(
        url(series, f"dates/{first.pk}/move/"), {"date": "2026-12-02", "start": "11:00", "end": "12:00"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Reserved" in html and "Salainen" not in html
    first.refresh_from_db()
    assert first.start == at("2026-12-01", 18)


def test_moving_outside_opening_hours_is_a_field_error(client, users, series):
    first = series.occurrences.order_by("start").first()
    client.force_login(users.member)
    response = client.post(
        url(series, f"dates/{first.pk}/move/"), {"date": "2026-12-02", "start": "06:00", "end": "07:00"}
    )
    assert response.status_code == 400
    assert "outside the opening hours" in response.content.decode()


def test_outsider_cannot_move(client, users, series):
    first = series.occurrences.order_by("start").first()
    client.force_login(users.outsider)
    response = client.post(
        url(series, f"dates/{first.pk}/move/"), {"date": "2026-12-02", "start": "10:00", "end": "12:00"}
    )
    assert response.status_code == 404
    first.refresh_from_db()
    assert (first.start, first.end) == (at("2026-12-01", 18), at("2026-12-01", 20))


def test_invited_cohost_admin_accepts(client, users, series, other_association):
    CoHostFactory(booking=series, association=other_association, status=CoHost.Status.INVITED)
    client.force_login(users.outsider)  # the admin of other_association
    page = client.get(url(series))
    assert page.status_code == 200
    assert "Accept co-hosting" in page.content.decode()
    assert "Cancel the whole series" not in page.content.decode()
    response = client.post(url(series, f"cohosts/{other_association.pk}/accept/"))
    assert response.status_code == 302
    assert CoHost.objects.get().status == CoHost.Status.ACCEPTED


def test_a_member_cannot_answer_for_the_cohost(client, users, series, association, other_association):
    CoHostFactory(booking=series, association=other_association, status=CoHost.Status.INVITED)
    client.force_login(users.member)
    response = client.post(url(series, f"cohosts/{other_association.pk}/decline/"))
    assert response.status_code == 403
    assert CoHost.objects.get().status == CoHost.Status.INVITED


def test_unknown_answer_is_404(client, users, series, other_association):
    client.force_login(users.coordinator)
    assert client.post(url(series, f"cohosts/{other_association.pk}/maybe/")).status_code == 404


def test_attendance_for_a_past_date(client, users, association, room):
    booking = BookingFactory(
        association=association, room=room, start=at("2026-11-20", 18), end=at("2026-11-20", 20)
    )
    occurrence = OccurrenceFactory(booking=booking)
    client.force_login(users.member)
    page = client.get(url(booking))
    assert "Save attendance" in page.content.decode()
    response = client.post(
        url(booking, f"dates/{occurrence.pk}/attendance/"), {f"o{occurrence.pk}-attendance": "14"}
    )
    assert response.status_code == 302
    occurrence.refresh_from_db()
    assert occurrence.attendance == 14


def test_attendance_for_a_future_date_is_refused(client, users, series):
    first = series.occurrences.order_by("start").first()
    client.force_login(users.member)
    client.post(url(series, f"dates/{first.pk}/attendance/"), {f"o{first.pk}-attendance": "14"})
    first.refresh_from_db()
    assert first.attendance is None


def test_detail_query_count_does_not_grow_with_dates(
    client, users, association, room, django_assert_max_num_queries
):
    booking = services.booking_create(
        actor=users.member,
        association=association,
        room=room,
        title="Joka päivä",
        start=at("2026-12-01", 10),
        end=at("2026-12-01", 11),
        rrule="FREQ=DAILY;COUNT=60",
    ).booking
    client.force_login(users.member)
    with django_assert_max_num_queries(12):
        assert client.get(url(booking)).status_code == 200


def test_ids_too_large_for_the_column_are_404_not_500(client, users, series, association, room):
    huge = "99999999999999999999"
    client.force_login(users.member)
    assert client.get(f"/bookings/{huge}/").status_code == 404
    assert client.get(url(series, f"dates/{huge}/move/")).status_code == 404
    response = client.post(
        url(series, "cancel/"), {"scope": "occurrence", "occurrence": huge, "confirm": "1"}
    )
    assert response.status_code in (302, 404)
    response = client.post(
        "/bookings/new/",
        {
            "association": huge,
            "room": huge,
            "category": huge,
            "title": "x",
            "date": "2026-12-01",
            "start": "10:00",
        },
    )
    assert response.status_code == 400
    assert client.get("/my/bookings/", {"association": huge}).status_code == 200
    assert client.get(f"/rooms/{huge}/week/").status_code == 404
