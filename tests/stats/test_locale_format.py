"""/stats/ in the reader's format: month names instead of ISO months, decimal commas in the
charts as in the tables, and bar lists with <meter> for narrow screens; the CSV keeps ISO."""

import csv
import io

import pytest
from django.test import Client

from .conftest import book

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-01-01", "end": "2026-02-28"}


@pytest.fixture
def data(venue, room, association):
    book(association, room, "2026-01-06 18:00", "2026-01-06 20:30")
    book(association, room, "2026-02-03 18:00", "2026-02-03 19:00")


def page(language: str) -> str:
    response = Client().get("/stats/", {**PERIOD, "venue": ""}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_months_are_named_in_the_readers_language(data):
    fi = page("fi")
    assert "tammikuu 2026" in fi and "helmikuu 2026" in fi
    assert '<th scope="row">2026-01</th>' not in fi
    assert "January 2026" in page("en")
    assert "januari 2026" in page("sv")


def test_chart_figures_use_the_locales_decimal_mark(data):
    fi = page("fi")
    texts = fi.split('class="stats-bars__text">')[1:]
    assert texts and all("." not in t.split("<")[0] for t in texts)
    assert any("," in t.split("<")[0] for t in texts)
    assert "1.6 %" not in fi


def test_the_period_reads_as_dates(data):
    assert "1.1.2026" in page("fi") and "28.2.2026" in page("fi")


def test_bars_have_a_reflowing_list_for_phones(data):
    fi = page("fi")
    assert '<ul class="stats-bars"' in fi and "<meter " in fi
    meter = fi.split("<meter ")[1].split(">")[0]
    assert 'value="' in meter and "," not in meter  # machine numbers in attributes


def test_the_csv_keeps_iso_months(data):
    response = Client().get("/stats/months.csv", PERIOD, HTTP_ACCEPT_LANGUAGE="fi")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[0] for row in rows[1:]] == ["2026-01", "2026-02"]
    room_months = list(
        csv.reader(io.StringIO(Client().get("/stats/room_months.csv", PERIOD).content.decode()))
    )
    assert room_months[0][1:] == ["2026-01", "2026-02"]
