"""Seasons in a real browser, in Finnish: a coordinator opens one, a volunteer applies,
the coordinator allocates and publishes, the volunteer reads the result. axe on every page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Booking, Status
from seasons.models import Application, Season

from .conftest import axe_violations, format_violations, login, shot, text_of

pytestmark = pytest.mark.browser


def _submit(page, form_selector: str) -> None:
    page.locator(f"{form_selector} [type=submit]").last.click()
    page.wait_for_load_state()


def _open_season(page, house) -> Season:
    page.goto(page.base + "/coordinator/seasons/new/")
    today = timezone.localdate()
    page.fill("#id_name", "Syyskausi")
    page.select_option("#id_venue", str(house.venue.pk))
    page.check(f"input[name=rooms][value='{house.sali.pk}']")
    page.check(f"input[name=rooms][value='{house.kerho.pk}']")
    page.fill("#id_start", (today + timedelta(days=30)).isoformat())
    page.fill("#id_end", (today + timedelta(days=120)).isoformat())
    page.fill("#id_applications_close", (today + timedelta(days=10)).strftime("%Y-%m-%dT16:00"))
    page.check("input[name=priority_audiences][value=seniors]")
    _submit(page, "main form[method=post]")
    return Season.objects.get(name="Syyskausi")


def test_apply_allocate_and_publish(new_page, viewport, house):
    coordinator = new_page(bypass_csp=True)
    login(coordinator, house.coordinator.username)
    season = _open_season(coordinator, house)
    assert "Miten vuorot jaetaan" in text_of(coordinator)
    shot(coordinator, "season-page", viewport)

    volunteer = new_page(bypass_csp=True)
    login(volunteer, house.volunteer.username)
    volunteer.goto(volunteer.base + f"/seasons/{season.pk}/")
    volunteer.get_by_role("link", name="Hae viikkovuoroa").click()
    volunteer.wait_for_load_state()
    assert "mahtuu 15 ihmistä" in text_of(volunteer)
    volunteer.fill("#id_title", "Tuolijumppa")
    volunteer.fill("#id_group_size", "12")
    volunteer.select_option("#id_audience", "seniors")
    volunteer.select_option("#id_wish1_weekday", "2")
    volunteer.fill("#id_wish1_start", "18:00")
    volunteer.fill("#id_wish1_end", "19:30")
    volunteer.select_option("#id_wish1_room", str(house.kerho.pk))
    volunteer.select_option("#id_wish2_weekday", "3")
    volunteer.fill("#id_wish2_start", "18:00")
    volunteer.fill("#id_wish2_end", "19:30")
    volunteer.select_option("#id_wish2_room", str(house.sali.pk))
    shot(volunteer, "season-apply", viewport)
    _submit(volunteer, "main form[method=post]")
    assert "Kiitos, hakemuksesi on perillä." in text_of(volunteer)
    application = Application.objects.get(season=season)
    assert application.wishes.count() == 2

    # The deadline passes.
    Season.objects.filter(pk=season.pk).update(applications_close=timezone.now() - timedelta(minutes=1))

    coordinator.goto(coordinator.base + f"/coordinator/seasons/{season.pk}/")
    _submit(coordinator, f"form[action$='/coordinator/seasons/{season.pk}/allocate/']")
    text = text_of(coordinator)
    assert "Todistetusti paras mahdollinen jako." in text
    assert "Saitte ensimmäisen toiveenne" in text
    shot(coordinator, "season-allocation", viewport)
    violations = axe_violations(coordinator)
    assert not violations, format_violations(coordinator.url, violations)
    _submit(coordinator, f"form[action$='/coordinator/seasons/{season.pk}/publish/']")
    assert "Julkaistu" in text_of(coordinator)
    booking = Booking.objects.get(association=house.seniors)
    assert booking.status == Status.CONFIRMED and booking.occurrences.count() >= 12

    volunteer.goto(volunteer.base + f"/seasons/{season.pk}/")
    text = text_of(volunteer)
    assert "Saitte ensimmäisen toiveenne, tiistai 18:00–19:30, Kerhohuone." in text
    shot(volunteer, "season-result", viewport)
    violations = axe_violations(volunteer)
    assert not violations, format_violations(volunteer.url, violations)


def test_season_pages_have_no_serious_violations(new_page, viewport, house):
    page = new_page(bypass_csp=True)
    login(page, house.coordinator.username)
    season = _open_season(page, house)
    volunteer = new_page(bypass_csp=True)
    login(volunteer, house.volunteer.username)
    failures = []
    for who, path in [
        (page, "/seasons/"),
        (page, f"/seasons/{season.pk}/"),
        (page, "/coordinator/seasons/new/"),
        (page, f"/coordinator/seasons/{season.pk}/"),
        (volunteer, f"/seasons/{season.pk}/apply/"),
    ]:
        response = who.goto(who.base + path)
        assert response.status < 400, f"{path}: HTTP {response.status}"
        shot(who, "a11y-season-" + path.strip("/").replace("/", "-"), viewport)
        violations = axe_violations(who)
        if violations:
            failures.append(format_violations(path, violations))
    # A form showing its errors.
    volunteer.goto(volunteer.base + f"/seasons/{season.pk}/apply/")
    _submit(volunteer, "main form[method=post]")
    violations = axe_violations(volunteer)
    if violations:
        failures.append(format_violations("apply with errors", violations))
    assert not failures, "\n\n".join(failures)
