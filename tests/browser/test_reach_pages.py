"""The attendance list, the noticeboard page and the funder's report in a real browser:
usable on a phone without JavaScript, in three languages, with no serious axe violation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import BookingFactory, OccurrenceFactory

from .conftest import axe_violations, format_violations, login, shot

pytestmark = pytest.mark.browser
WORDS = {"fi": "Kirjaa osallistujat", "sv": "Registrera deltagare", "en": "Record attendance"}


@pytest.fixture
def last_week(house):
    start = (timezone.now() - timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    booking = BookingFactory(
        association=house.seniors,
        room=house.sali,
        title="Tuolijumppa",
        start=start,
        end=start + timedelta(hours=1),
    )
    return OccurrenceFactory(booking=booking)


@pytest.mark.parametrize("language", list(WORDS))
def test_a_leader_records_a_count_on_a_phone_without_javascript(
    browser, live_server, house, last_week, language
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
        locale=language,
        extra_http_headers={"Accept-Language": language},
    )
    try:
        page = context.new_page()
        page.base = live_server.url
        login(page, house.volunteer.username)
        page.goto(page.base + "/my/")
        reminder = page.locator("#attendance-reminder")
        assert reminder.count() == 1
        reminder.get_by_role("link").click()
        page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == language
        assert page.locator("h1").inner_text() == WORDS[language]
        box = page.locator(f"#p-{last_week.pk}")
        assert box.bounding_box()["height"] >= 44  # a thumb's target
        box.fill("17")
        shot(page, f"attendance-list-{language}", "phone")
        page.locator("form.attendance-list [type=submit]").click()
        page.wait_for_load_state()
        last_week.refresh_from_db()
        assert last_week.attendance == 17
        assert page.locator(f"#p-{last_week.pk}").input_value() == "17"
    finally:
        context.close()


def test_the_new_pages_have_no_serious_violations(new_page, viewport, house, last_week):
    page = new_page(bypass_csp=True)
    login(page, house.volunteer.username)
    today = timezone.localdate()
    failures = []
    for name, path in {
        "attendance-list": "/my/attendance/",
        "print-week": f"/calendar/print/?date={today}",
        "funders-report": f"/stats/report/?start={today.year}-01-01&end={today.year}-12-31",
    }.items():
        response = page.goto(page.base + path)
        assert response.status == 200, path
        shot(page, f"a11y-{name}", viewport)
        violations = axe_violations(page)
        if violations:
            failures.append(format_violations(path, violations))
    assert not failures, "\n\n".join(failures)
