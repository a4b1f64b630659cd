"""/my/attendance/: the quick list of the last weeks' dates, and My page's reminder."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from booking.models import CoHost

from ..factories import BookingFactory, CoHostFactory, OccurrenceFactory

HEL = ZoneInfo("Europe/Helsinki")
NOW = datetime(2026, 11, 23, 21, tzinfo=HEL)
URL = "/my/attendance/"
pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def dates(association, other_association, room):
    def date(booking, days_ago):
        start = NOW - timedelta(days=days_ago, hours=3)
        return OccurrenceFactory(booking=booking, start=start, end=start + timedelta(hours=2))

    ours = BookingFactory(association=association, room=room, title="Tuolijumppa")
    joint = BookingFactory(association=other_association, room=room, title="Yhteislaulu")
    CoHostFactory(booking=joint, association=association, status=CoHost.Status.ACCEPTED)
    theirs = BookingFactory(association=other_association, room=room, title="Sulkapallo")
    return {
        "recent": date(ours, 2),
        "old": date(ours, 40),  # beyond the four weeks
        "joint": date(joint, 5),
        "theirs": date(theirs, 1),
        "coming": OccurrenceFactory(
            booking=ours, start=NOW + timedelta(days=1), end=NOW + timedelta(days=1, hours=1)
        ),
    }


def test_it_lists_the_recent_begun_dates_of_my_associations(client, users, dates):
    client.force_login(users.member)
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Tuolijumppa" in page and "Yhteislaulu" in page
    assert "Sulkapallo" not in page
    assert f'name="p-{dates["recent"].pk}"' in page
    assert f'name="p-{dates["old"].pk}"' not in page
    assert f'name="p-{dates["coming"].pk}"' not in page
    assert "visits" in page


def test_it_saves_every_count_in_one_post(client, users, dates):
    client.force_login(users.member)
    response = client.post(URL, {f"p-{dates['recent'].pk}": "12", f"p-{dates['joint'].pk}": "0"})
    assert response.status_code == 302
    for key, expected in (("recent", 12), ("joint", 0)):
        dates[key].refresh_from_db()
        assert dates[key].attendance == expected


def test_a_bad_number_is_shown_with_the_others_kept(client, users, dates):
    client.force_login(users.member)
    response = client.post(URL, {f"p-{dates['recent'].pk}": "-3", f"p-{dates['joint'].pk}": "8"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    dates["recent"].refresh_from_db()
    assert dates["recent"].attendance is None


def test_a_date_of_another_association_cannot_be_slipped_in(client, users, dates):
    client.force_login(users.member)
    client.post(URL, {f"p-{dates['theirs'].pk}": "99"})
    dates["theirs"].refresh_from_db()
    assert dates["theirs"].attendance is None


def test_my_page_reminds_of_dates_without_a_count(client, users, dates):
    client.force_login(users.member)
    page = client.get("/my/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="attendance-reminder"' in page
    assert "2 dates of your associations have no attendance count yet." in page
    client.post(URL, {f"p-{dates['recent'].pk}": "12", f"p-{dates['joint'].pk}": "4"})
    assert 'id="attendance-reminder"' not in client.get("/my/").content.decode()


def test_the_list_answers_in_few_queries(client, users, dates, django_assert_max_num_queries):
    client.force_login(users.member)
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200
