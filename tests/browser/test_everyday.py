"""Everyday use on a phone, in Finnish: find a free room and book it, see what waits for you,
an error summary that takes the focus, moving a date to another room; axe on each new page."""

import re
from datetime import datetime, timedelta

import pytest

from booking import services
from booking.models import Booking, Status

from .conftest import axe_violations, format_violations, future_weekday, login, shot, text_of

pytestmark = pytest.mark.browser


@pytest.fixture
def viewport():
    # These journeys are about the phone; the desktop layout adds nothing to them.
    return "phone"


@pytest.fixture
def page(new_page):
    # axe is injected as an inline script, which the site's CSP rightly forbids.
    return new_page(bypass_csp=True)


def no_axe_violations(page, label: str) -> None:
    violations = axe_violations(page)
    assert not violations, format_violations(label, violations)


def test_a_volunteer_finds_a_free_room_and_books_it(page, viewport, house):
    day = future_weekday(14, weekday=2)
    start = datetime(day.year, day.month, day.day, 18, tzinfo=house.venue.tz)
    services.booking_create(
        actor=house.cohost_admin,
        association=house.choir,
        room=house.sali,
        title="Kuoroharjoitus",
        start=start,
        end=start + timedelta(hours=2),
    )
    login(page, house.volunteer.username)
    page.goto(page.base + "/my/")
    page.get_by_role("link", name="Etsi vapaa tila").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/rooms/free/")
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start", "18:00")
    page.select_option("#id_length", "90")
    page.fill("#id_people", "10")
    page.get_by_role("button", name="Hae").click()
    page.wait_for_load_state()
    shot(page, "find-room-results", viewport)
    text = text_of(page)
    assert "1 vapaa tila" in text and "Kerhohuone" in text and "Sali" not in text.split("1 vapaa tila")[1]
    no_axe_violations(page, "/rooms/free/ (results)")

    page.get_by_role("link", name=re.compile("Varaa tämä")).first.click()
    page.wait_for_load_state()
    assert page.input_value("#id_room") == str(house.kerho.pk)
    assert (page.input_value("#id_date"), page.input_value("#id_start"), page.input_value("#id_end")) == (
        day.isoformat(),
        "18:00",
        "19:30",
    )
    assert page.input_value("#id_expected_attendance") == "10"
    page.fill("#id_title", "Lukupiiri")
    page.check("input[name=is_public][value=False]")
    page.locator("#booking-form [type=submit]").last.click()
    page.wait_for_load_state()
    assert re.search(r"/bookings/\d+/$", page.url), text_of(page)
    booking = Booking.objects.get(title="Lukupiiri")
    assert booking.room == house.kerho and booking.is_public is False and booking.status == Status.CONFIRMED


def test_the_navigation_counts_what_waits_and_my_page_lists_it(page, viewport, house):
    day = future_weekday(10, weekday=4)
    start = datetime(day.year, day.month, day.day, 17, tzinfo=house.venue.tz)
    booking = services.booking_create(
        actor=house.volunteer,
        association=house.seniors,
        room=house.sali,
        title="Yhteislaulujen ilta",
        start=start,
        end=start + timedelta(hours=2),
        cohosts=[house.choir],
    ).booking
    login(page, house.cohost_admin.username)
    badge = page.locator(".site-nav .nav-count")
    assert badge.inner_text().startswith("1")
    assert "asia odottaa sinua" in badge.inner_text()
    page.goto(page.base + "/my/")
    shot(page, "notices-my-page", viewport)
    assert "Odottaa sinua" in text_of(page)
    no_axe_violations(page, "/my/ (notices)")
    page.get_by_role("link", name=re.compile("Vastaa kutsuun järjestää yhdessä: Yhteislaulujen ilta")).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/bookings/{booking.pk}/")
    page.locator(f"form[action$='/cohosts/{house.choir.pk}/accept/'] [type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".site-nav .nav-count").count() == 0


def test_an_error_summary_takes_the_focus_and_leads_to_the_field(page, viewport, house):
    login(page, house.volunteer.username)
    page.goto(page.base + "/bookings/new/")
    page.locator("#booking-form [type=submit]").last.click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    page.wait_for_function("document.activeElement && document.activeElement.matches('.error-summary')")
    box = summary.bounding_box()
    assert box is not None and box["y"] < page.viewport_size["height"], "the summary is below the fold"
    shot(page, "error-summary", viewport)
    links = summary.locator("a")
    assert links.count() >= 3, text_of(page)
    summary.get_by_role("link", name=re.compile("Otsikko")).click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_title'")
    no_axe_violations(page, "/bookings/new/ (error summary)")


def test_a_volunteer_moves_one_date_to_another_room(page, viewport, house):
    day = future_weekday(12, weekday=1)
    start = datetime(day.year, day.month, day.day, 18, tzinfo=house.venue.tz)
    booking = services.booking_create(
        actor=house.volunteer,
        association=house.seniors,
        room=house.sali,
        title="Tuolijumppa",
        start=start,
        end=start + timedelta(hours=1),
        rrule="FREQ=WEEKLY;COUNT=3",
    ).booking
    first = booking.occurrences.order_by("start").first()
    login(page, house.volunteer.username)
    page.goto(page.base + f"/bookings/{booking.pk}/dates/{first.pk}/move/")
    page.select_option("#id_room", str(house.kerho.pk))
    shot(page, "move-to-room", viewport)
    no_axe_violations(page, "move page")
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/bookings/{booking.pk}/"), text_of(page)
    first.refresh_from_db()
    assert first.room == house.kerho and first.status == Status.CONFIRMED
    assert booking.occurrences.filter(room=house.sali).count() == 2


def test_the_free_room_page_and_a_rooms_coming_week_have_no_serious_violations(page, viewport, house):
    page.goto(page.base + "/rooms/free/")
    shot(page, "find-room", viewport)
    no_axe_violations(page, "/rooms/free/")
    page.goto(page.base + f"/venues/{house.venue.slug}/{house.sali.slug}/")
    assert "Tuleva viikko" in text_of(page)
    no_axe_violations(page, "room page with its coming week")
