"""The season pages: volunteers apply, coordinators open, allocate, pin and publish."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from booking.models import Booking
from seasons import selectors, services
from seasons.models import Application, Outcome, Pin, Season

from .conftest import apply, wish

pytestmark = pytest.mark.django_db


def past_deadline(season):
    return time_machine.travel(season.applications_close + timedelta(minutes=1), tick=True)


def logged_in(client, user):
    client.force_login(user)
    return client


def test_anyone_sees_the_season_and_its_rules_in_finnish(client, season, room):
    response = client.get(reverse("seasons:detail", args=[season.pk]), HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Miten vuorot jaetaan" in text
    assert "Sali" in text and "mahtuu 40 ihmistä" in text
    assert client.get(reverse("seasons:list")).status_code == 200


def test_a_volunteer_applies_on_the_form(client, users, association, season, room, hall):
    logged_in(client, users.member)
    url = reverse("seasons:apply", args=[season.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Kerhohuone" in page.content.decode()
    response = client.post(
        url,
        {
            "association": association.pk,
            "title": "Lukupiiri",
            "group_size": 8,
            "audience": "seniors",
            "public": "on",
            "wish1_weekday": 2,
            "wish1_start": "18:00",
            "wish1_end": "19:30",
            "wish1_room": hall.pk,
            "wish2_weekday": 4,
            "wish2_start": "17:00",
            "wish2_end": "18:30",
            "wish2_room": room.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get()
    assert [(w.position, w.weekday, w.room_id) for w in application.wishes.all()] == [
        (1, 2, hall.pk),
        (2, 4, room.pk),
    ]


def test_the_form_says_what_is_wrong(client, users, association, season, hall):
    logged_in(client, users.member)
    response = client.post(
        reverse("seasons:apply", args=[season.pk]),
        {
            "association": association.pk,
            "title": "Liian iso",
            "group_size": 200,
            "audience": "everyone",
            "wish1_weekday": 2,
            "wish1_start": "21:00",
            "wish1_end": "23:00",
            "wish1_room": hall.pk,
            "wish2_weekday": 3,
        },
        HTTP_ACCEPT_LANGUAGE="fi",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "aukioloaikojen ulkopuolella" in text
    assert "mahtuu" in text
    assert "Täytä viikonpäivä" in text
    assert not Application.objects.exists()


def test_a_volunteer_changes_and_withdraws_their_application(client, users, association, season, room):
    application = apply(season, users.admin, association, wish(room, 2))
    logged_in(client, users.member)
    edit = reverse("seasons:application_edit", args=[application.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "title": "Muutettu",
            "group_size": 9,
            "audience": "everyone",
            "wish1_weekday": 5,
            "wish1_start": "10:00",
            "wish1_end": "11:00",
            "wish1_room": room.pk,
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.title == "Muutettu"
    assert application.wishes.get().weekday == 5
    withdraw = reverse("seasons:application_withdraw", args=[application.pk])
    assert client.get(withdraw).status_code == 200
    assert client.post(withdraw).status_code == 302
    assert not Application.objects.exists()


def test_an_outsider_may_not_touch_anothers_application(client, users, association, season, room):
    application = apply(season, users.admin, association, wish(room, 2))
    logged_in(client, users.outsider)
    assert client.get(reverse("seasons:application_edit", args=[application.pk])).status_code == 403
    assert client.post(reverse("seasons:application_withdraw", args=[application.pk])).status_code == 403
    assert Application.objects.exists()


def test_a_coordinator_opens_a_season_on_the_form(client, users, venue, room, hall):
    logged_in(client, users.coordinator)
    url = reverse("seasons:new")
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "name": "Kevät",
            "venue": venue.pk,
            "rooms": [room.pk, hall.pk],
            "start": (today + timedelta(days=40)).isoformat(),
            "end": (today + timedelta(days=150)).isoformat(),
            "applications_close": (today + timedelta(days=20)).strftime("%Y-%m-%dT16:00"),
            "weekly_cap_hours": "4",
            "priority_audiences": ["children", "seniors"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    season = Season.objects.get(name="Kevät")
    assert season.weekly_cap_minutes == 240
    assert season.priority_audiences == ["children", "seniors"]
    assert timezone.localtime(season.applications_close, venue.tz).hour == 16
    page = client.get(reverse("seasons:detail", args=[season.pk]), HTTP_ACCEPT_LANGUAGE="fi")
    assert "enintään 4 tuntia viikossa" in page.content.decode()


def test_volunteers_may_not_open_seasons_or_allocate(client, users, season):
    logged_in(client, users.admin)
    assert client.get(reverse("seasons:new")).status_code == 403
    assert client.get(reverse("seasons:allocation", args=[season.pk])).status_code == 403
    assert client.post(reverse("seasons:allocate", args=[season.pk])).status_code == 403
    assert client.post(reverse("seasons:publish", args=[season.pk])).status_code == 403


def test_the_coordinator_allocates_pins_and_publishes_on_the_pages(
    client, users, association, other_association, season, room
):
    a = apply(season, users.admin, association, wish(room, 2), wish(room, 3), title="Kuoro")
    b = apply(season, users.outsider, other_association, wish(room, 2), title="Jumppa")
    logged_in(client, users.coordinator)
    with past_deadline(season):
        assert client.post(reverse("seasons:allocate", args=[season.pk])).status_code == 302
        page = client.get(reverse("seasons:allocation", args=[season.pk]), HTTP_ACCEPT_LANGUAGE="fi")
        text = page.content.decode()
        # One plain sentence for the not-first wish, naming who holds the first one.
        assert "meni ryhmälle Joutsan Urheilijat ry, jolla ei ollut muuta toivetta" in text
        assert "saitte toisen toiveenne, keskiviikko 18:00–20:00, Sali" in text
        response = client.post(
            reverse("seasons:pin", args=[season.pk, a.pk]),
            {f"a{a.pk}-application": a.pk, f"a{a.pk}-kind": "refuse"},
        )
        assert response.status_code == 302
        assert Pin.objects.get(application=a).kind == "refuse"
        client.post(reverse("seasons:allocate", args=[season.pk]))
        assert not Outcome.objects.get(application=a).granted
        assert client.post(reverse("seasons:publish", args=[season.pk])).status_code == 302
        assert client.post(reverse("seasons:publish", args=[season.pk])).status_code == 302
    assert Booking.objects.count() == 1
    assert Outcome.objects.get(application=b).booking is not None
    logged_in(client, users.admin)
    mine = client.get(reverse("seasons:detail", args=[season.pk]), HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "Koordinaattori päätti olla myöntämättä tätä hakemusta." in mine
    assert "Jumppa" not in mine  # only one's own applications


def test_the_report_counts_hours_and_first_wishes(users, association, other_association, season, room):
    apply(season, users.admin, association, wish(room, 2, "18:00", "20:00"))
    apply(
        season,
        users.outsider,
        other_association,
        wish(room, 2, "18:00", "20:00"),
        wish(room, 3, "17:00", "18:00"),
    )
    with past_deadline(season):
        services.season_allocate(actor=users.coordinator, season=season)
    report = selectors.report(season, selectors.all_applications(season))
    lines = {line.association.pk: line for line in report.associations}
    assert lines[association.pk].requested_hours == 2 and lines[association.pk].granted_hours == 2
    assert lines[other_association.pk].granted_hours == 1
    assert report.first_wishes == 1 and report.first_wish_share == 0.5
    sali = next(r for r in report.rooms if r.room == room)
    assert sali.evening_hours == 7 * 6  # 16-22 every day
    assert sali.granted_hours == 3


def test_the_csv_report_neutralises_formulas(client, users, season, room):
    from ..factories import AssociationFactory, MembershipFactory

    sneaky = AssociationFactory(name="=HYPERLINK(1)")
    MembershipFactory(association=sneaky, user=users.member)
    apply(season, users.member, sneaky, wish(room, 2))
    logged_in(client, users.coordinator)
    response = client.get(reverse("seasons:report_csv", args=[season.pk]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["'=HYPERLINK(1)", "1", "2.0", "0.0", "0"] in rows


def test_pages_take_a_bounded_number_of_queries(
    client, users, association, other_association, season, room, hall, django_assert_max_num_queries
):
    for n in range(10):
        who, assoc = (users.admin, association) if n % 2 else (users.outsider, other_association)
        apply(season, who, assoc, wish(room, 1 + n % 7), wish(hall, 1 + n % 7), title=f"Ryhmä {n}")
    with past_deadline(season):
        services.season_allocate(actor=users.coordinator, season=season)
    logged_in(client, users.coordinator)
    with django_assert_max_num_queries(18):
        assert client.get(reverse("seasons:allocation", args=[season.pk])).status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get(reverse("seasons:detail", args=[season.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("seasons:list")).status_code == 200


def test_the_season_page_shows_the_report_to_coordinators(client, users, association, season, room):
    apply(season, users.admin, association, wish(room, 2))
    with past_deadline(season):
        services.season_allocate(actor=users.coordinator, season=season)
    url = reverse("seasons:detail", args=[season.pk])
    logged_in(client, users.coordinator)
    assert "Tunteja viikossa yhdistyksittäin" in client.get(url, HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    logged_in(client, users.admin)
    assert (
        "Tunteja viikossa yhdistyksittäin" not in client.get(url, HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    )
