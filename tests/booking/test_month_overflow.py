"""The month grid shows a busy day's first items and "N more", linking to that day's list."""

from datetime import timedelta

import pytest

from booking.calendar_views import MONTH_DAY_ITEMS

from ..factories import RoomFactory
from .calendar_data import local, make_event

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

MONTH = "/calendar/?view=month&date=2026-10-14"


def busy_day(room, association, count: int, day: int = 14) -> list[str]:
    """`count` events on that October day, back to back from 8:00 in one room: their titles in order."""
    assert count <= 14  # the hours left in the day from 8:00; PostgreSQL refuses overlaps in a room
    titles = [f"Tapahtuma {n:02d}" for n in range(count)]
    for n, title in enumerate(titles):
        start = local(2026, 10, day, 8) + timedelta(hours=n)
        make_event(room=room, association=association, start=start, hours=1, title=title)
    return titles


def test_a_busy_day_shows_its_first_items_and_links_to_the_rest(client, room, association):
    titles = busy_day(room, association, MONTH_DAY_ITEMS + 4)
    html = client.get(MONTH).content.decode()
    assert all(title in html for title in titles[:MONTH_DAY_ITEMS])
    assert not any(title in html for title in titles[MONTH_DAY_ITEMS:])
    assert (
        '<p class="cal-more"><a href="?view=list&amp;date=2026-10-14">'
        '4 more<span class="visually-hidden"> events on Wednesday 14.10.</span></a></p>'
    ) in html
    # The link leads to the day's list, which has every item.
    listed = client.get("/calendar/?view=list&date=2026-10-14").content.decode()
    assert all(title in listed for title in titles)


def test_a_full_day_has_no_link(client, room, association):
    titles = busy_day(room, association, MONTH_DAY_ITEMS)
    html = client.get(MONTH).content.decode()
    assert all(title in html for title in titles)
    assert "cal-more" not in html


def test_one_more_is_singular(client, room, association):
    busy_day(room, association, MONTH_DAY_ITEMS + 1)
    html = client.get(MONTH).content.decode()
    assert '1 more<span class="visually-hidden"> event on Wednesday 14.10.</span>' in html


@pytest.mark.parametrize(
    "language, text",
    [
        ("fi", '3 lisää<span class="visually-hidden">: kaikki tapahtumat keskiviikko 14.10.</span>'),
        ("sv", '3 till<span class="visually-hidden">: alla evenemang onsdag 14.10.</span>'),
        ("en", '3 more<span class="visually-hidden"> events on Wednesday 14.10.</span>'),
    ],
)
def test_the_link_reads_in_every_language(client, room, association, language, text):
    busy_day(room, association, MONTH_DAY_ITEMS + 3)
    assert text in client.get(MONTH, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_link_keeps_the_filters(client, room, association):
    busy_day(room, association, MONTH_DAY_ITEMS + 2)
    html = client.get(f"{MONTH}&room={room.pk}&audience=seniors&room={room.pk}").content.decode()
    assert "cal-more" not in html  # nothing for seniors
    html = client.get(f"{MONTH}&room={room.pk}").content.decode()
    assert f'<p class="cal-more"><a href="?view=list&amp;date=2026-10-14&amp;room={room.pk}">2 more' in html


@pytest.mark.parametrize("view", ["list", "week"])
def test_the_list_and_week_still_show_every_item(client, room, association, view):
    titles = busy_day(room, association, MONTH_DAY_ITEMS + 4)
    html = client.get(f"/calendar/?view={view}&date=2026-10-14").content.decode()
    assert all(title in html for title in titles)
    assert "cal-more" not in html


def test_a_crowded_day_costs_no_query_and_stays_small(
    client, venue, room, association, django_assert_max_num_queries
):
    busy_day(room, association, 1)
    with django_assert_max_num_queries(8) as quiet:
        small = len(client.get(MONTH).content)
    # Eighty events of forty houses' rooms on one day, and a few the next.
    rooms = [RoomFactory() for _ in range(40)]
    for n in range(80):
        make_event(
            room=rooms[n % 40],
            association=association,
            start=local(2026, 10, 15, 8) + timedelta(minutes=5 * n),
        )
    busy_day(room, association, MONTH_DAY_ITEMS + 1, day=16)
    with django_assert_max_num_queries(len(quiet.captured_queries)):
        page = client.get(MONTH)
    html = page.content.decode()
    assert "80 more" not in html and f"{80 - MONTH_DAY_ITEMS} more" in html and "1 more" in html
    assert html.count('class="cal-event') == 1 + MONTH_DAY_ITEMS + MONTH_DAY_ITEMS
    # The grid grows by two days' six items and their links, not by the 87 events.
    assert len(page.content) - small < 12 * 1000
