"""Real-browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Run with `.venv/bin/pytest -m browser tests/browser` (pyproject deselects them otherwise).
"""

from __future__ import annotations

import json
import os
import re
from datetime import time, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
PASSWORD = "tupa-browser-Passw0rd!"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium chromium-driver (.ci/run does)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls
    # under a running loop; the tests' ORM calls are plain sync code. Only while the browser
    # runs: this conftest is imported by every `make test` too.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _new_context(browser, viewport: str, **extra):
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],
        locale="fi-FI",
        extra_http_headers={"Accept-Language": "fi"},
        is_mobile=viewport == "phone",
        has_touch=viewport == "phone",
        **extra,
    )
    context.set_default_timeout(15_000)
    return context


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def new_page(browser, viewport, live_server):
    """A factory of pages, each in a context of its own (its own cookies), Finnish, on `viewport`."""
    contexts = []

    def make(**extra):
        context = _new_context(browser, viewport, **extra)
        contexts.append(context)
        page = context.new_page()
        page.base = live_server.url
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def shot(page, name: str, viewport: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{viewport}.png"), full_page=True)


def login(page, username: str, password: str = PASSWORD) -> None:
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    page.locator("form[action$='/accounts/login/'] [type=submit]").first.click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"could not sign in as {username}: {page.url}"


# ---- accessibility ----------------------------------------------------------------------

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations on the current page.

    The page's CSP forbids inline scripts and add_script_tag(path=...) injects inline content,
    so the contexts used here are made with bypass_csp=True.
    """
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (.ci/run does)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{url}: {len(violations)} serious or critical accessibility violation(s)"]
    for violation in violations:
        lines.append(
            f"  [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            lines.append(
                f"      {' '.join(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}"
            )
            lines.append(f"        {node['html'][:160]}")
    return "\n".join(lines)


# ---- data -------------------------------------------------------------------------------


def make_user(username: str, *, staff: bool = False):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, is_staff=staff
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def house(transactional_db):
    """A venue open every day 8–22 with two instantly bookable rooms, a coordinator, two associations."""
    from django.core.cache import caches

    # The sign-in and e-mail limits live in a database cache table, which the flush between
    # live-server tests leaves alone: the desktop run of a journey met the phone run's counts
    # (allauth sends one confirmation per address in 3 minutes) and got no e-mail.
    caches["ratelimit"].clear()
    from associations.models import Association, Membership
    from tests.factories import AssociationFactory, RoomFactory, VenueFactory, open_every_day

    venue = VenueFactory(name="Joutsan hyvinvointitupa", slug="joutsa")
    open_every_day(venue, opens=time(8), closes=time(22))
    sali = RoomFactory(venue=venue, name="Sali", slug="sali", capacity=60)
    kerho = RoomFactory(venue=venue, name="Kerhohuone", slug="kerhohuone", capacity=15)
    coordinator = make_user("koordinaattori", staff=True)
    volunteer = make_user("vapaaehtoinen")
    cohost_admin = make_user("kuoronjohtaja")
    resident = make_user("asukas")
    seniors = AssociationFactory(
        name="Joutsan Eläkeläiset ry", slug="elakelaiset", status=Association.Status.APPROVED
    )
    choir = AssociationFactory(name="Joutsan Kuoro ry", slug="kuoro", status=Association.Status.APPROVED)
    Membership.objects.create(user=volunteer, association=seniors, role=Membership.Role.ADMIN)
    Membership.objects.create(user=cohost_admin, association=choir, role=Membership.Role.ADMIN)
    return SimpleNamespace(
        venue=venue,
        sali=sali,
        kerho=kerho,
        coordinator=coordinator,
        volunteer=volunteer,
        cohost_admin=cohost_admin,
        resident=resident,
        seniors=seniors,
        choir=choir,
    )


def future_weekday(days_ahead: int = 21, weekday: int = 2):
    """A date about `days_ahead` from now, on `weekday` (0 = Monday), in local time."""
    from django.utils import timezone

    day = timezone.localdate() + timedelta(days=days_ahead)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def dump(obj) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False, default=str)


def text_of(page) -> str:
    return re.sub(r"\s+", " ", page.inner_text("body"))


@pytest.fixture
def public_event(house):
    """A public date three days ahead, its title long enough to test wrapping at 320 px."""
    from django.utils import timezone

    from tests.factories import BookingFactory, OccurrenceFactory

    start = (timezone.now() + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    booking = BookingFactory(
        association=house.seniors,
        room=house.sali,
        title="Tuolijumppa ja kahvihetki eläkeläisille",
        start=start,
        end=start + timedelta(hours=1),
    )
    return OccurrenceFactory(booking=booking)
