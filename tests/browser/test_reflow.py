"""Reflow (WCAG 1.4.10): at 320 CSS px wide — a phone, or 1280 px at 400 % zoom — and at
640 px (1280 px at 200 % zoom) no page scrolls sideways as a whole. A wide table or grid may
scroll inside its own focusable region."""

import pytest
from django.utils import timezone

from .conftest import login, shot

pytestmark = pytest.mark.browser

WIDTHS = [320, 640]

# The element that sticks out furthest, to say what to fix.
WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  let worst = null, right = width;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > right + 0.5) {
      // An absolutely placed element escapes a scroller that is not its containing block.
      let inScroller = false;
      if (getComputedStyle(el).position === 'absolute') { right = box.right; worst = el; continue; }
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const ox = getComputedStyle(p).overflowX;
        if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') { inScroller = true; break; }
      }
      if (!inScroller) { right = box.right; worst = el; }
    }
  }
  if (!worst) return '';
  const classes = typeof worst.className === 'string' ? worst.className.trim() : '';
  const name = worst.tagName.toLowerCase() + (worst.id ? '#' + worst.id : '');
  const label = name + (classes ? '.' + classes.split(/\\s+/).join('.') : '');
  return label + ' ends at ' + Math.round(right) + 'px';
}"""


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def narrow(browser, live_server, request):
    context = browser.new_context(
        viewport={"width": request.param, "height": 640},
        locale="fi-FI",
        extra_http_headers={"Accept-Language": "fi"},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base = live_server.url
    page.width = request.param
    yield page
    context.close()


@pytest.fixture
def event(public_event):
    return public_event


def public_pages(house, event) -> dict[str, str]:
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
        "find-room": "/rooms/free/",
        "find-room-results": f"/rooms/free/?date={today}&start=18:00&length=120",
        "associations": "/associations/",
        "association": f"/associations/{house.seniors.slug}/",
        "stats": "/stats/",
        "stats-one-house": f"/stats/?venue={house.venue.pk}",
        # The noticeboard sheet is A4 on paper; on a phone it reflows like any page.
        "print-week": f"/calendar/print/?date={today}",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
        "password-reset": "/accounts/password/reset/",
    }


def member_pages(house, event) -> dict[str, str]:
    booking, occurrence = event.booking, event
    return {
        "my": "/my/",
        "my-bookings": "/my/bookings/",
        "booking-new": "/bookings/new/",
        "booking": f"/bookings/{booking.pk}/",
        "booking-edit": f"/bookings/{booking.pk}/edit/",
        "booking-move": f"/bookings/{booking.pk}/dates/{occurrence.pk}/move/",
        "room-week": f"/rooms/{house.sali.pk}/week/",
        "members": f"/associations/{house.seniors.slug}/members/",
        "register": "/associations/new/",
        "waitlist": "/my/waitlist/",
        "account-delete": "/my/delete/",
        "emails": "/accounts/email/",
        "password": "/accounts/password/change/",
    }


def coordinator_pages(house, event) -> dict[str, str]:
    return {
        "coordinator": "/coordinator/",
        "coordinator-associations": "/coordinator/associations/",
        "coordinator-booking": f"/coordinator/bookings/{event.booking.pk}/",
        "coordinator-closure": "/coordinator/closures/new/",
        "coordinator-audit": "/coordinator/audit/",
    }


def too_wide(page, pages: dict[str, str]) -> list[str]:
    problems = []
    for name, path in pages.items():
        response = page.goto(page.base + path)
        assert response.status < 400, f"{path}: HTTP {response.status}"
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.width:
            shot(page, f"reflow-{name}", str(page.width))
            problems.append(f"{path}: {width}px wide ({page.evaluate(WIDEST)})")
    return problems


def test_public_pages_reflow(narrow, house, event):
    problems = too_wide(narrow, public_pages(house, event))
    assert not problems, "\n".join(problems)


def test_member_pages_reflow(narrow, house, event):
    login(narrow, house.volunteer.username)
    problems = too_wide(narrow, member_pages(house, event))
    assert not problems, "\n".join(problems)


def test_coordinator_pages_reflow(narrow, house, event):
    login(narrow, house.coordinator.username)
    problems = too_wide(narrow, coordinator_pages(house, event))
    assert not problems, "\n".join(problems)
