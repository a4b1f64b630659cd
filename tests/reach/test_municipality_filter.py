"""?municipality=ID on the open event data and the noticeboard sheet, as on the other public reads.

`municipal_programme` (tests/reach/conftest.py): Joutsa's and Luhanka's events and one off site,
all on Wednesday 2.12.2026.
"""

import pytest

pytestmark = [pytest.mark.django_db]

LIST = "/api/linkedevents/v1/event/"
RANGE = {"start": "2026-12-01", "end": "2026-12-31"}
PRINT = "/calendar/print/"
WEEK = {"date": "2026-12-02"}
BAD_VALUES = ["abc", "1.5", "9" * 25, "-1", "3;DROP"]


def _titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {event["name"]["fi"] for event in response.json()["data"]}


def test_linked_events_narrow_to_one_municipality(client, municipal_programme):
    p = municipal_programme
    everything = _titles(client.get(LIST, RANGE))
    assert everything == {p.joutsa.title, p.luhanka.title, p.offsite.title}
    assert _titles(client.get(LIST, {**RANGE, "municipality": p.region.luhanka.pk})) == {p.luhanka.title}
    # Off site belongs to no municipality; repeatable like the calendar's filters.
    both = client.get(
        f"{LIST}?start=2026-12-01&municipality={p.region.joutsa.pk}&municipality={p.region.luhanka.pk}"
    )
    assert _titles(both) == {p.joutsa.title, p.luhanka.title}


def test_linked_events_pages_keep_the_municipality(client, municipal_programme):
    p = municipal_programme
    joutsa = {**RANGE, "municipality": p.region.joutsa.pk, "page_size": 1}
    body = client.get(LIST, joutsa).json()
    assert body["meta"]["count"] == 1 and body["meta"]["next"] is None
    everything = client.get(LIST, {**RANGE, "page_size": 1}).json()
    assert everything["meta"]["count"] == 3
    assert "municipality" not in everything["meta"]["next"]


@pytest.mark.parametrize("value", BAD_VALUES)
def test_a_bad_municipality_is_a_400_naming_it_in_the_open_data(client, municipal_programme, value):
    response = client.get(LIST, {**RANGE, "municipality": value})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert list(response.json()) == ["municipality"] and response.json()["municipality"]


def test_an_unknown_municipality_has_no_events(client, municipal_programme):
    assert client.get(LIST, {**RANGE, "municipality": 999999}).json()["meta"]["count"] == 0


def test_the_filter_costs_no_query_in_the_open_data(
    client, municipal_programme, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        client.get(LIST, {**RANGE, "municipality": municipal_programme.region.joutsa.pk})


def test_the_noticeboard_shows_one_municipality_and_names_it(client, municipal_programme):
    p = municipal_programme
    page = client.get(PRINT, {**WEEK, "municipality": p.region.luhanka.pk}, HTTP_ACCEPT_LANGUAGE="fi")
    assert page.status_code == 200
    html = page.content.decode()
    assert p.luhanka.title in html
    assert p.joutsa.title not in html and p.offsite.title not in html
    assert 'Viikon ohjelma <span class="print-municipality">Luhanka</span></h1>' in html
    assert "· Luhanka · Tupa</title>" in html
    # The QR code and the printed address lead to the same municipality's week.
    assert f"/calendar/?view=week&amp;date=2026-11-30&amp;municipality={p.region.luhanka.pk}" in html


def test_the_unfiltered_noticeboard_names_no_municipality(client, municipal_programme):
    p = municipal_programme
    html = client.get(PRINT, WEEK).content.decode()
    assert len(_present(html, p)) == 3
    assert "print-municipality" not in html and "print-messages" not in html


def _present(html: str, p) -> list[str]:
    return [b.title for b in (p.joutsa, p.luhanka, p.offsite) if b.title in html]


@pytest.mark.parametrize("value", BAD_VALUES)
@pytest.mark.parametrize(
    "language, words",
    [
        ("fi", "Osoitteessa oleva kunta ei kelpaa"),
        ("sv", "Kommunen i adressen är ogiltig"),
        ("en", "The municipality in the address is not valid"),
    ],
)
def test_a_bad_municipality_is_told_on_the_noticeboard(client, municipal_programme, value, language, words):
    page = client.get(PRINT, {**WEEK, "municipality": value}, HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 400
    html = page.content.decode()
    assert 'class="print-messages" role="alert"' in html and words in html
    # Every municipality's week, as the calendar page shows on a bad filter.
    assert len(_present(html, municipal_programme)) == 3


def test_an_unknown_municipality_has_an_empty_noticeboard(client, municipal_programme):
    page = client.get(PRINT, {**WEEK, "municipality": 999999})
    assert page.status_code == 200
    assert _present(page.content.decode(), municipal_programme) == []


def test_the_calendar_page_prints_its_municipality(client, municipal_programme):
    pk = municipal_programme.region.joutsa.pk
    html = client.get("/calendar/", {"municipality": pk, "date": "2026-12-02"}).content.decode()
    assert f'href="/calendar/print/?date=2026-12-02&amp;municipality={pk}"' in html
    assert 'href="/calendar/print/?date=2026-12-02"' in client.get("/calendar/", WEEK).content.decode()


def test_the_noticeboard_names_its_municipality_in_one_query(
    client, municipal_programme, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):  # the unfiltered sheet's four, and the name
        client.get(PRINT, {**WEEK, "municipality": municipal_programme.region.joutsa.pk})
