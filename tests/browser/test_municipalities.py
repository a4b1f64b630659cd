"""Municipalities in a real browser, in Finnish: a resident picks theirs on the front page, and a
coordinator of one municipality decides on their own requests and is refused another's."""

from datetime import datetime, time

import pytest

from booking.models import Status
from booking.services import booking_create
from venues.models import CoordinatorScope

from .conftest import axe_violations, format_violations, future_weekday, login, make_user, shot, text_of

pytestmark = pytest.mark.browser


@pytest.fixture
def region(house):
    from tests.factories import MunicipalityFactory, RoomFactory, VenueFactory, open_every_day

    joutsa = MunicipalityFactory(name="Joutsa", slug="joutsa")
    luhanka = MunicipalityFactory(name="Luhanka", slug="luhanka")
    house.venue.municipality = joutsa
    house.venue.save()
    hall = VenueFactory(name="Luhangan kylätalo", slug="luhanka", municipality=luhanka)
    open_every_day(hall, opens=time(8), closes=time(22))
    hall_room = RoomFactory(venue=hall, name="Kylätalon sali", slug="sali", requires_approval=True)
    joutsa_room = RoomFactory(venue=house.venue, name="Kokoushuone", slug="kokous", requires_approval=True)
    officer = make_user("luhangan-koordinaattori", staff=True)
    CoordinatorScope.objects.create(user=officer, municipality=luhanka)
    day = future_weekday()

    def request(room, title, hour):
        tz = room.venue.tz
        return booking_create(
            actor=house.volunteer,
            association=house.seniors,
            room=room,
            title=title,
            start=datetime.combine(day, time(hour)).replace(tzinfo=tz),
            end=datetime.combine(day, time(hour + 2)).replace(tzinfo=tz),
        ).booking

    for room, title, hour in ((house.sali, "Tuolijumppa", 10), (hall_room, "Kyläkahvit", 13)):
        request(room, title, hour)  # public, confirmed at once in Sali; pending in the hall
    return {
        "joutsa": joutsa,
        "luhanka": luhanka,
        "officer": officer,
        "day": day,
        "hall_request": request(hall_room, "Kyläyhdistyksen kokous", 17),
        "joutsa_request": request(joutsa_room, "Eläkeläisten hallitus", 17),
    }


def test_a_resident_picks_their_municipality_on_the_front_page(page, viewport, region):
    page.goto(page.base + "/")
    assert "Valitse oma kuntasi" in text_of(page)
    shot(page, "municipality-front", viewport)
    page.select_option("#home-municipality", label="Joutsa")
    page.locator(".municipality-picker [type=submit]").click()
    page.wait_for_load_state()
    assert f"municipality={region['joutsa'].pk}" in page.url
    page.goto(page.url + f"&view=week&date={region['day'].isoformat()}")
    body = text_of(page)
    assert "Tuolijumppa" in body and "Kyläkahvit" not in body
    shot(page, "municipality-calendar", viewport)
    # The statistics narrow the same way, and say so in the form.
    page.goto(page.base + f"/stats/?municipality={region['luhanka'].pk}")
    assert page.locator("#id_municipality").input_value() == str(region["luhanka"].pk)
    assert "Kylätalon sali" in text_of(page) and "Kerhohuone" not in text_of(page)
    shot(page, "municipality-stats", viewport)


def test_a_coordinator_of_one_municipality_decides_only_their_own(page, viewport, region):
    login(page, region["officer"].username)
    page.goto(page.base + "/coordinator/")
    body = text_of(page)
    assert "Kyläyhdistyksen kokous" in body
    assert "Eläkeläisten hallitus" not in body
    shot(page, "municipality-desk", viewport)
    # Another municipality's request, opened by its address: refused.
    response = page.goto(page.base + f"/coordinator/bookings/{region['joutsa_request'].pk}/")
    assert response.status == 403
    # Their own: approved through the page.
    page.goto(page.base + f"/coordinator/bookings/{region['hall_request'].pk}/")
    page.locator("form[action$='/approve/'] [type=submit]").first.click()
    page.wait_for_load_state()
    assert region["hall_request"].occurrences.get().status == Status.CONFIRMED
    assert region["joutsa_request"].occurrences.get().status == Status.PENDING
    shot(page, "municipality-desk-approved", viewport)


def test_the_municipality_choices_are_accessible(new_page, region):
    page = new_page(bypass_csp=True)
    for path in ("/", f"/calendar/?municipality={region['joutsa'].pk}", "/venues/", "/stats/"):
        page.goto(page.base + path)
        violations = axe_violations(page)
        assert not violations, format_violations(path, violations)
