"""/calendar/print/: the week's public programme for a noticeboard (the one-page check runs in
Chromium, tests/browser/test_print_pages.py)."""

from datetime import date, datetime, timedelta

import pytest

from reach import programme

from .conftest import HEL

pytestmark = [pytest.mark.django_db]
URL = "/calendar/print/"


def test_it_shows_the_public_week_by_day_in_the_request_language(client, programme_data):
    page = client.get(URL, {"date": "2026-12-02"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="sv">' in html
    assert "Tuolijumppa" in html and "Hallituksen kokous" not in html and "Odottaa" not in html
    assert "måndag 30.11." in html.lower() and "söndag 6.12." in html.lower()
    assert "Joulumyyjäiset" in html
    assert "<nav" not in html and 'class="site-header"' not in html
    assert "<svg" in html and 'class="segno"' in html
    assert "/calendar/?view=week&amp;date=2026-11-30" in html


@pytest.mark.parametrize("language, words", [("fi", "Viikon ohjelma"), ("en", "What's on this week")])
def test_it_speaks_finnish_by_default_and_english_when_asked(client, programme_data, language, words):
    html = client.get(URL, {"date": "2026-12-02"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert words in html.replace("&#x27;", "'")
    # The market charges a fee; the page says the others are free.
    assert {"fi": "Maksullinen", "en": "Fee charged"}[language] in html


def test_a_cancelled_date_is_not_on_the_noticeboard(client, programme_data):
    html = client.get(URL, {"date": "2026-12-09"}).content.decode()
    assert "Tuolijumppa" not in html


@pytest.mark.parametrize("value", ["2026-13-01", "x", "0001-01-01"])
def test_a_bad_date_shows_this_week_with_a_400(client, value):
    assert client.get(URL, {"date": value}).status_code == 400


def test_the_calendar_page_links_to_it(client, db):
    assert 'href="/calendar/print/?date=' in client.get("/calendar/").content.decode()


def test_it_answers_in_few_queries(client, programme_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get(URL, {"date": "2026-12-02"})


def line(n: int) -> programme.Line:
    start = datetime(2026, 12, 7, 10, tzinfo=HEL) + timedelta(minutes=n)
    return programme.Line(start, start + timedelta(hours=1), f"E{n}", "Sali", "Yhdistys", False)


def test_a_quiet_week_gets_the_largest_type():
    days = {date(2026, 12, 7) + timedelta(days=d): [line(d)] for d in range(7)}
    laid_out, density = programme.lay_out(days)
    assert density == "print--roomy" and sum(len(d.lines) for d in laid_out) == 7


def test_a_crowded_week_keeps_the_first_events_and_says_how_many_more():
    days = {date(2026, 12, 7) + timedelta(days=d): [] for d in range(7)}
    days[date(2026, 12, 7)] = [line(n) for n in range(50)]
    days[date(2026, 12, 8)] = [line(n) for n in range(3)]
    laid_out, density = programme.lay_out(days)
    assert density == "print--dense"
    monday, tuesday = laid_out[0], laid_out[1]
    assert len(tuesday.lines) == 3 and tuesday.more == 0
    assert monday.lines == days[date(2026, 12, 7)][: len(monday.lines)]
    assert monday.more == 50 - len(monday.lines) > 0
    assert programme.height(laid_out, programme.DENSITIES[-1]) <= programme.BUDGET_MM


def test_a_middling_week_gets_a_middle_size():
    days = {
        date(2026, 12, 7) + timedelta(days=d): [line(n) for n in range(4 if d < 4 else 3)] for d in range(7)
    }
    laid_out, density = programme.lay_out(days)
    assert density == "print--normal"
    assert programme.height(laid_out, programme.DENSITIES[0]) > programme.BUDGET_MM
    assert sum(len(d.lines) for d in laid_out) == 25 and not any(d.more for d in laid_out)


def test_a_named_municipality_takes_its_line_off_the_days():
    # 26 events: the normal type fits the whole budget, not the budget less the municipality's line.
    days = {
        date(2026, 12, 7) + timedelta(days=d): [line(n) for n in range(4 if d < 5 else 3)] for d in range(7)
    }
    assert programme.lay_out(days)[1] == "print--normal"
    laid_out, density = programme.lay_out(days, programme.BUDGET_MM - programme.MUNICIPALITY_MM)
    assert density == "print--dense"
    assert (
        programme.height(laid_out, programme.DENSITIES[-1]) <= programme.BUDGET_MM - programme.MUNICIPALITY_MM
    )
