"""The language switcher changes the page's language, and <html lang> with it."""

import pytest

from .conftest import shot

pytestmark = pytest.mark.browser


def test_the_language_switcher_changes_html_lang(page, viewport, transactional_db):
    page.goto(page.base + "/")
    assert page.get_attribute("html", "lang") == "fi"
    shot(page, "home", viewport)
    page.locator(".language-switcher button[value=sv]").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "sv"
    page.locator(".language-switcher button[value=en]").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    # The choice sticks across pages.
    page.goto(page.base + "/venues/")
    assert page.get_attribute("html", "lang") == "en"
    page.locator(".language-switcher button[value=fi]").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "fi"


def test_the_interface_speaks_the_language_it_declares(page, viewport, transactional_db):
    page.goto(page.base + "/")
    assert page.locator("nav a[href='/calendar/']").inner_text().strip() == "Kalenteri"
    page.locator(".language-switcher button[value=sv]").click()
    page.wait_for_load_state()
    assert page.locator("nav a[href='/calendar/']").inner_text().strip() == "Kalender"
