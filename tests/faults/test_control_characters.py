"""Control characters: refused in single-line fields, harmless in what is already stored."""

import pytest
from icalendar import Calendar

from booking.models import Booking

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

HOSTILE = [
    "Tuoli\r\njumppa",
    "Tuoli\njumppa",
    "Tuoli\rjumppa",
    "Tuoli\x00jumppa",
    "Tuoli\x07jumppa",
    "Tuoli\x1bjumppa",
    "Tuoli\x7fjumppa",
    "Tuoli\u2028jumppa",
    "Tuoli\x0bjumppa",
    "Tuoli\tjumppa",
    "SUMMARY:evil\r\nBEGIN:VEVENT",
]


def payload(association, room, **kw):
    body = {
        "association": association.pk,
        "room": room.pk,
        "title": "Tuolijumppa",
        "start": "2026-12-01T18:00:00+02:00",
        "end": "2026-12-01T20:00:00+02:00",
    }
    body.update(kw)
    return body


@pytest.mark.parametrize("title", HOSTILE)
def test_the_api_refuses_control_characters_in_a_title(api, users, association, room, title):
    response = api(users.member).post(
        "/api/v1/bookings", payload(association, room, title=title), format="json"
    )
    assert response.status_code == 400
    assert "title" in response.json()
    assert not Booking.objects.exists()


@pytest.mark.parametrize("title", HOSTILE)
def test_stored_control_characters_never_break_the_renderers(api, client, users, association, room, title):
    response = api(users.member).post("/api/v1/bookings", payload(association, room), format="json")
    assert response.status_code == 201
    booking = Booking.objects.get()
    # As if saved before the check existed (or through the admin).
    Booking.objects.filter(pk=booking.pk).update(
        title=title.replace("\x00", ""),
        location=title.replace("\x00", ""),
        description=title.replace("\x00", ""),
    )
    occurrence = booking.occurrences.first()
    client.force_login(users.member)
    urls = [
        f"/events/{occurrence.pk}.ics",
        "/calendar.ics",
        f"/events/{occurrence.pk}/",
        "/calendar/?view=month&date=2026-12-01",
        f"/bookings/{booking.pk}/",
        "/my/bookings/",
        f"/api/v1/bookings/{booking.pk}",
        "/api/v1/events?start=2026-11-30T00:00:00Z&end=2026-12-07T00:00:00Z",
        "/stats/?start=2026-12-01&end=2026-12-31",
        "/stats/associations.csv?start=2026-12-01&end=2026-12-31",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if url.endswith(".ics"):
            cal = Calendar.from_ical(response.content)
            for component in cal.walk():
                assert not component.errors, (url, component.errors)
            assert len(cal.walk("VEVENT")) == 1


@pytest.mark.parametrize("name", ["Kuoro\r\nry", "Kuoro\x1b[31mry", "Kuoro\try"])
def test_the_web_form_refuses_control_characters_with_a_clear_message(client, users, name):
    from associations.models import Association

    client.force_login(users.member)
    data = {"name": name, "description": "Laulamme.\r\nTervetuloa!", "contact_email": "kuoro@example.org"}
    response = client.post("/associations/new/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Write this on one line, without line breaks" in response.text
    assert not Association.objects.filter(slug__startswith="kuoro").exists()


def test_line_breaks_stay_allowed_where_text_has_lines(api, users, association, room):
    body = payload(association, room, description="Ensimmäinen rivi.\r\nToinen rivi.\tSarkain.")
    response = api(users.member).post("/api/v1/bookings", body, format="json")
    assert response.status_code == 201
    bad = payload(
        association,
        room,
        description="Piippaus\x07",
        start="2026-12-02T18:00:00+02:00",
        end="2026-12-02T20:00:00+02:00",
    )
    response = api(users.member).post("/api/v1/bookings", bad, format="json")
    assert response.status_code == 400
    assert "description" in response.json()


def test_one_line_and_multi_line_clean_what_is_stored():
    from tupa.text import multi_line, one_line

    assert one_line("a\r\nb\tc\x00d\u2028e  f") == "a b c d e f"  # each run of them is one space
    assert multi_line("a\r\nb\rc\x07d\te") == "a\nb\ncd\te"
