"""axe-core on every public page and the main forms: no serious or critical violation (WCAG 2.1 AA)."""

import pytest
from django.utils import timezone

from .conftest import axe_violations, format_violations, login, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def a11y_page(new_page):
    # axe is injected as an inline script, which the site's CSP rightly forbids.
    return new_page(bypass_csp=True)


def public_pages(house, event):
    today = timezone.localdate().isoformat()
    return {
        "home": "/",
        "calendar": "/calendar/",
        "calendar-month": f"/calendar/?view=month&date={today}",
        "calendar-week": f"/calendar/?view=week&date={today}",
        "calendar-list": f"/calendar/?view=list&date={today}",
        "event": f"/events/{event.pk}/",
        "venues": "/venues/",
        "venue": f"/venues/{house.venue.slug}/",
        "room": f"/venues/{house.venue.slug}/{house.sali.slug}/",
        "associations": "/associations/",
        "association": f"/associations/{house.seniors.slug}/",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
    }


def check_pages(page, pages: dict, viewport: str):
    failures = []
    for name, path in pages.items():
        response = page.goto(page.base + path)
        assert response.status < 400, f"{path}: HTTP {response.status}"
        shot(page, f"a11y-{name}", viewport)
        violations = axe_violations(page)
        if violations:
            failures.append(format_violations(path, violations))
    assert not failures, "\n\n".join(failures)


def test_public_pages_have_no_serious_violations(a11y_page, viewport, house, public_event):
    check_pages(a11y_page, public_pages(house, public_event), viewport)


def test_a_busy_month_and_its_more_links_have_no_serious_violations(a11y_page, viewport, house, public_event):
    from datetime import timedelta

    from tests.factories import BookingFactory, OccurrenceFactory

    # More items in a day than the month grid shows: the "N more" link is on the page.
    for n in range(9):
        start = public_event.start + timedelta(minutes=10 * n)
        booking = BookingFactory(
            association=house.seniors, room=house.kerho, start=start, end=start + timedelta(minutes=30)
        )
        OccurrenceFactory(booking=booking)
    path = f"/calendar/?view=month&date={public_event.start.date().isoformat()}"
    check_pages(a11y_page, {"calendar-month-busy": path}, viewport)
    assert a11y_page.locator(".cal-more a").count() == 1


def test_the_statistics_page_has_no_serious_violations(a11y_page, viewport, house, public_event):
    check_pages(a11y_page, {"stats": "/stats/"}, viewport)


def test_volunteer_forms_have_no_serious_violations(a11y_page, viewport, house, public_event):
    login(a11y_page, house.volunteer.username)
    pages = {
        "my-page": "/my/",
        "association-form": "/associations/new/",
        "members": f"/associations/{house.seniors.slug}/members/",
        "booking-form": "/bookings/new/",
        "booking-detail": f"/bookings/{public_event.booking.pk}/",
        "my-bookings": "/my/bookings/",
    }
    check_pages(a11y_page, pages, viewport)


def test_coordinator_pages_have_no_serious_violations(a11y_page, viewport, house, public_event):
    login(a11y_page, house.coordinator.username)
    pages = {
        "coordinator-inbox": "/coordinator/",
        "coordinator-associations": "/coordinator/associations/",
        "coordinator-booking": f"/coordinator/bookings/{public_event.booking.pk}/",
        "coordinator-closure": "/coordinator/closures/new/",
        "coordinator-audit": "/coordinator/audit/",
    }
    check_pages(a11y_page, pages, viewport)


def test_a_form_showing_errors_has_no_serious_violations(a11y_page, viewport, house):
    login(a11y_page, house.volunteer.username)
    a11y_page.goto(a11y_page.base + "/bookings/new/")
    a11y_page.locator("#booking-form [type=submit]").last.click()
    a11y_page.wait_for_load_state()
    shot(a11y_page, "a11y-booking-form-errors", viewport)
    violations = axe_violations(a11y_page)
    assert not violations, format_violations("/bookings/new/ (with errors)", violations)
