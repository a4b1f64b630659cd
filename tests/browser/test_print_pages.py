"""The printable pages in a real browser: each is exactly one A4 sheet, in every language.

Chromium prints them to PDF (`page.pdf(format="A4")`, which honours the page's @page and
print styles); the sheets are counted in the PDF itself.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from .conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser]
HEL = ZoneInfo("Europe/Helsinki")
LANGUAGES = ["fi", "sv", "en"]


def pdf_pages(pdf: bytes) -> int:
    # Each page object is "/Type /Page"; the tree's root is "/Type /Pages".
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def printed(browser, url: str, language: str, name: str) -> tuple[int, str]:
    context = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language})
    try:
        page = context.new_page()
        response = page.goto(url)
        assert response.status == 200, url
        html_lang = page.get_attribute("html", "lang")
        page.emulate_media(media="print")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{language}.png"), full_page=True)
        pdf = page.pdf(format="A4", print_background=True)
        (SCREENSHOTS / f"{name}-{language}.pdf").write_bytes(pdf)
        return pdf_pages(pdf), html_lang
    finally:
        context.close()


def busiest_week():
    """The Monday of the demo data's week with the most public confirmed dates."""
    from collections import Counter

    from booking.models import Occurrence

    weeks = Counter()
    for start in Occurrence.objects.filter(status="confirmed", booking__is_public=True).values_list(
        "start", flat=True
    ):
        local = start.astimezone(HEL).date()
        weeks[local - timedelta(days=local.weekday())] += 1
    monday, count = weeks.most_common(1)[0]
    return monday, count


@pytest.fixture
def demo(transactional_db):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_busiest_demo_week_prints_on_one_a4_page(browser, live_server, demo, language):
    monday, count = busiest_week()
    assert count >= 3  # the demo's busiest public week (4 dates when this was written)
    pages, lang = printed(
        browser, f"{live_server.url}/calendar/print/?date={monday}", language, "print-week-demo"
    )
    assert lang == language
    assert pages == 1


def crowd(house, spread: str) -> None:
    """The week of 7.12.2026 crowded: evenly, on one day, or just short of the dense type."""
    from tests.factories import BookingFactory, OccurrenceFactory

    monday = datetime(2026, 12, 7, tzinfo=HEL)
    count = {"even": 70, "one-day": 40, "middling": 21}[spread]
    for n in range(count):
        day = 0 if spread == "one-day" else n % 7
        start = monday + timedelta(days=day, hours=8, minutes=20 * (n // 7 if spread != "one-day" else n))
        booking = BookingFactory(
            association=house.seniors,
            room=house.sali if n % 2 else house.kerho,
            title=f"Hyvin pitkä tapahtuman nimi numero {n}, jossa on paljon sanoja",
            start=start,
            end=start + timedelta(hours=1),
        )
        OccurrenceFactory(booking=booking)


@pytest.mark.parametrize("spread", ["even", "one-day", "middling"])
def test_a_crowded_week_still_prints_on_one_page(browser, live_server, house, spread):
    crowd(house, spread)
    pages, _lang = printed(
        browser, f"{live_server.url}/calendar/print/?date=2026-12-09", "fi", f"print-week-{spread}"
    )
    assert pages == 1


@pytest.mark.parametrize("spread", ["even", "middling"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_municipalitys_week_names_it_and_still_prints_on_one_page(
    browser, live_server, house, spread, language
):
    from tests.factories import MunicipalityFactory

    # Two long names, so the line under the title is full: the days must make room for it.
    house.venue.municipality = MunicipalityFactory(name="Kristiinankaupunki", slug="kristiinankaupunki")
    house.venue.save()
    other = MunicipalityFactory(name="Mänttä-Vilppula", slug="mantta-vilppula")
    crowd(house, spread)
    url = (
        f"{live_server.url}/calendar/print/?date=2026-12-09"
        f"&municipality={house.venue.municipality_id}&municipality={other.pk}"
    )
    pages, _lang = printed(browser, url, language, f"print-week-municipality-{spread}")
    assert pages == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_funders_report_prints_on_one_a4_page(browser, live_server, demo, language):
    from django.utils import timezone

    today = timezone.localdate()
    url = f"{live_server.url}/stats/report/?start={today.year}-01-01&end={today.year}-12-31"
    pages, lang = printed(browser, url, language, "funders-report")
    assert lang == language
    assert pages == 1


def test_the_funders_report_of_many_associations_stays_on_one_page(browser, live_server, house):
    from tests.factories import AssociationFactory, BookingFactory, OccurrenceFactory

    start = datetime(2026, 3, 2, 10, tzinfo=HEL)
    for n in range(40):
        association = AssociationFactory(name=f"Joutsan hyvin pitkäniminen yhdistys numero {n} ry")
        for month in range(12):
            begin = start.replace(month=1 + month) + timedelta(days=n % 20, hours=n % 8)
            booking = BookingFactory(
                association=association, room=house.sali, start=begin, end=begin + timedelta(hours=1)
            )
            OccurrenceFactory(booking=booking, attendance=n + month)
    url = f"{live_server.url}/stats/report/?start=2024-01-01&end=2026-12-31"
    pages, _lang = printed(browser, url, "fi", "funders-report-crowded")
    assert pages == 1
