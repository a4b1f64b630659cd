"""The main journeys, in Finnish, on a phone and a desktop screen, in a real browser."""

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail

from associations.models import Association
from booking.models import Booking, CoHost, Status

from .conftest import PASSWORD, future_weekday, login, shot, text_of

pytestmark = pytest.mark.browser


def _submit(page, form_selector: str) -> None:
    page.locator(f"{form_selector} [type=submit]").last.click()
    page.wait_for_load_state()


def test_a_volunteer_signs_up_registers_an_association_and_a_coordinator_approves_it(
    new_page, viewport, house
):
    volunteer = new_page()
    volunteer.goto(volunteer.base + "/accounts/signup/")
    assert volunteer.get_attribute("html", "lang") == "fi"
    shot(volunteer, "signup", viewport)
    volunteer.fill("#id_email", "uusi@example.org")
    volunteer.fill("#id_username", "uusi")
    volunteer.fill("#id_password1", PASSWORD)
    volunteer.fill("#id_password2", PASSWORD)
    _submit(volunteer, "form[action$='/accounts/signup/']")

    # Verify the e-mail address with the link from the message.
    links = [
        link
        for message in mail.outbox
        if "uusi@example.org" in message.to
        for link in re.findall(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
    ]
    assert links, [m.body for m in mail.outbox]
    volunteer.goto(volunteer.base + "/accounts/" + links[-1].split("/accounts/", 1)[1])
    _submit(volunteer, "form[action*='/accounts/confirm-email/']")
    login(volunteer, "uusi")

    volunteer.goto(volunteer.base + "/associations/new/")
    shot(volunteer, "association-form", viewport)
    volunteer.fill("#id_name", "Joutsan Shakkikerho ry")
    volunteer.fill("#id_description", "Shakkia torstaisin.")
    volunteer.fill("#id_contact_email", "shakki@example.org")
    _submit(volunteer, "main form[method=post]")
    assert "Joutsan Shakkikerho ry" in text_of(volunteer)
    association = Association.objects.get(name="Joutsan Shakkikerho ry")
    assert association.status == Association.Status.PENDING

    coordinator = new_page()
    login(coordinator, house.coordinator.username)
    coordinator.goto(coordinator.base + "/coordinator/associations/")
    shot(coordinator, "coordinator-associations", viewport)
    assert "Joutsan Shakkikerho ry" in text_of(coordinator)
    _submit(coordinator, f"form[action$='/coordinator/associations/{association.slug}/approve/']")
    association.refresh_from_db()
    assert association.status == Association.Status.APPROVED

    # The volunteer now finds it in the public directory.
    volunteer.goto(volunteer.base + "/associations/")
    assert "Joutsan Shakkikerho ry" in text_of(volunteer)


def _fill_booking(page, house, *, room, title, day, start, end, weekly_count=None, public=True):
    page.select_option("#id_association", str(house.seniors.pk))
    page.select_option("#id_room", str(room.pk))
    page.fill("#id_title", title)
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start", start)
    page.fill("#id_end", end)
    # Public or private is a required choice, nothing preselected.
    page.check(f"input[name=is_public][value={public}]")
    if weekly_count:
        # The series fields wait behind a summary for one-off bookings.
        page.locator(".form-more--repeat > summary").click()
        page.check("input[name=repeat][value=weekly]")
        page.fill("#id_count", str(weekly_count))


def test_a_volunteer_books_a_weekly_slot_and_a_conflict_is_refused_with_alternatives(page, viewport, house):
    login(page, house.volunteer.username)
    first = future_weekday(21, weekday=2)
    page.goto(page.base + "/bookings/new/")
    shot(page, "booking-form", viewport)
    _fill_booking(
        page,
        house,
        room=house.sali,
        title="Tuolijumppa",
        day=first,
        start="18:00",
        end="19:30",
        weekly_count=6,
    )
    _submit(page, "#booking-form")
    assert re.search(r"/bookings/\d+/$", page.url), page.url
    shot(page, "booking-detail", viewport)
    booking = Booking.objects.get(title="Tuolijumppa")
    assert booking.status == Status.CONFIRMED
    assert booking.occurrences.filter(status=Status.CONFIRMED).count() == 6

    # Someone asks for the same room at an overlapping time on the third date.
    page.goto(page.base + "/bookings/new/")
    _fill_booking(
        page,
        house,
        room=house.sali,
        title="Kuorotreenit",
        day=first + timedelta(weeks=2),
        start="19:00",
        end="20:00",
    )
    _submit(page, "#booking-form")
    conflicts = page.locator(".conflicts")
    assert conflicts.is_visible()
    shot(page, "booking-conflict", viewport)
    assert not Booking.objects.filter(title="Kuorotreenit").exists()
    alternatives = page.locator(".conflicts .alternatives a")
    assert alternatives.count() > 0, text_of(page)

    # Taking an alternative fills the form again; sending it books.
    alternatives.first.click()
    page.wait_for_load_state()
    if not page.input_value("#id_title"):
        page.fill("#id_title", "Kuorotreenit")
    if page.locator("#id_association").input_value() == "":
        page.select_option("#id_association", str(house.seniors.pk))
    _submit(page, "#booking-form")
    assert re.search(r"/bookings/\d+/$", page.url), text_of(page)
    assert Booking.objects.filter(status=Status.CONFIRMED).count() == 2


def test_a_co_host_accepts_a_joint_event_and_a_resident_downloads_it(new_page, viewport, house, tmp_path):
    from booking import services

    day = future_weekday(10, weekday=4)
    start = datetime(day.year, day.month, day.day, 17, 0, tzinfo=house.venue.tz)
    result = services.booking_create(
        actor=house.volunteer,
        association=house.seniors,
        room=house.sali,
        title="Yhteislaulujen ilta",
        start=start,
        end=start + timedelta(hours=2),
        cohosts=[house.choir],
    )
    booking = result.booking

    cohost = new_page()
    login(cohost, house.cohost_admin.username)
    cohost.goto(cohost.base + f"/bookings/{booking.pk}/")
    shot(cohost, "cohost-invitation", viewport)
    _submit(cohost, f"form[action$='/cohosts/{house.choir.pk}/accept/']")
    assert CoHost.objects.get(booking=booking, association=house.choir).status == CoHost.Status.ACCEPTED

    resident = new_page()
    resident.goto(resident.base + f"/calendar/?view=list&date={day.isoformat()}")
    shot(resident, "calendar-list", viewport)
    resident.get_by_role("link", name=re.compile("Yhteislaulujen ilta")).first.click()
    resident.wait_for_load_state()
    assert re.search(r"/events/\d+/$", resident.url), resident.url
    assert "Joutsan Kuoro ry" in text_of(resident)
    shot(resident, "event", viewport)
    with resident.expect_download() as download_info:
        resident.locator("a[href$='.ics']").first.click()
    path = tmp_path / "event.ics"
    download_info.value.save_as(path)
    ics = path.read_text()
    assert "BEGIN:VCALENDAR" in ics
    assert "Yhteislaulujen ilta" in ics


def _tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_booking_with_the_keyboard_only(page, viewport, house):
    login(page, house.volunteer.username)
    page.goto(page.base + "/bookings/new/")
    day = future_weekday(30, weekday=1)
    # Skip link first: Tab from the top lands on it, Enter moves to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    _tab_to(page, "#id_association")
    page.keyboard.press("ArrowDown")  # a <select> takes arrow keys
    _tab_to(page, "#id_room")
    page.keyboard.press("ArrowDown")
    _tab_to(page, "#id_title")
    page.keyboard.type("Näppäimistöllä varattu")
    # Headless Chromium's date and time pickers follow its own UI language (US English here),
    # whatever the page's: month, day, year; hours, minutes, AM/PM.
    _tab_to(page, "#id_date")
    page.keyboard.type(day.strftime("%m%d%Y"))
    assert page.input_value("#id_date") == day.isoformat()
    _tab_to(page, "#id_start")
    page.keyboard.type("1000A")
    _tab_to(page, "#id_end")
    page.keyboard.type("1100A")
    assert (page.input_value("#id_start"), page.input_value("#id_end")) == ("10:00", "11:00")
    # Past the closed series summary to the public/private choice; Space picks "private".
    _tab_to(page, "#id_is_public_0")
    page.keyboard.press("Space")
    _tab_to(page, "#booking-form button[type=submit]")
    # Wait for the navigation itself: under load, "load" of the old page could answer first.
    with page.expect_navigation():
        page.keyboard.press("Enter")
    shot(page, "keyboard-booking", viewport)
    assert re.search(r"/bookings/\d+/$", page.url), text_of(page)
    booking = Booking.objects.get(title="Näppäimistöllä varattu")
    local_start = booking.occurrences.get().start.astimezone(house.venue.tz)
    assert (local_start.date(), local_start.hour) == (day, 10)
