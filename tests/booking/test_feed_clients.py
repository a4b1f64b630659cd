"""The feed read by calendar clients nobody here wrote: every date where /api/v1/events puts it.

ical.js (Mozilla's parser in Thunderbird and Nextcloud, pinned in package-lock.json) runs in
node through tests/booking/icaljs_expand.mjs; beside it icalendar + recurring-ical-events
and vobject. The feed reaches past both daylight-saving changes of the coming year and into
the autumn after, which is where ical.js used to show winter dates an hour early (issue 12).
"""

import json
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
import vobject
from icalendar import Calendar, Timezone

from ..conftest import HEL
from ..factories import CategoryFactory
from .calendar_data import cancel, local, make_event, make_series, move

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("icaljs_expand.mjs")
ICALJS = ROOT / "node_modules" / "ical.js" / "dist" / "ical.js"
RANGE = (datetime(2026, 9, 1, tzinfo=UTC), datetime(2028, 9, 1, tzinfo=UTC))

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def icaljs(body: bytes) -> list[tuple[datetime, datetime]]:
    if not shutil.which("node") or not ICALJS.exists():
        pytest.skip("node and ical.js are needed: `npm ci` (.ci/run installs them)")
    done = subprocess.run(
        ["node", str(SCRIPT), RANGE[0].isoformat(), RANGE[1].isoformat()],
        input=body,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return sorted(
        (datetime.fromisoformat(o["start"]), datetime.fromisoformat(o["end"]))
        for o in json.loads(done.stdout)
    )


def icalendar_dates(body: bytes) -> list[tuple[datetime, datetime]]:
    cal = Calendar.from_ical(body)
    events = recurring_ical_events.of(cal).between(*RANGE)
    return sorted((e["DTSTART"].dt.astimezone(UTC), e["DTEND"].dt.astimezone(UTC)) for e in events)


def vobject_dates(body: bytes) -> list[tuple[datetime, datetime]]:
    cal = vobject.readOne(body.decode())
    overrides, out = {}, []
    for vevent in cal.vevent_list:
        if hasattr(vevent, "recurrence_id"):
            overrides[(vevent.uid.value, vevent.recurrence_id.value.astimezone(UTC))] = vevent
    for vevent in cal.vevent_list:
        if hasattr(vevent, "recurrence_id"):
            continue
        length = vevent.dtend.value - vevent.dtstart.value
        for start in vevent.getrruleset(addRDate=True) or [vevent.dtstart.value]:
            moved = overrides.get((vevent.uid.value, start.astimezone(UTC)))
            if moved is not None:
                out.append((moved.dtstart.value.astimezone(UTC), moved.dtend.value.astimezone(UTC)))
            else:
                out.append((start.astimezone(UTC), (start + length).astimezone(UTC)))
    return sorted(d for d in out if d[1] > RANGE[0] and d[0] < RANGE[1])


def api_dates(client) -> list[tuple[datetime, datetime]]:
    out = []
    for start, end in (("2026-09-01", "2027-09-01"), ("2027-09-01", "2028-09-01")):
        url = f"/api/v1/events?start={start}&end={end}"
        while url:
            page = client.get(url).json()
            out += [
                (
                    datetime.fromisoformat(i["start"]).astimezone(UTC),
                    datetime.fromisoformat(i["end"]).astimezone(UTC),
                )
                for i in page["results"]
            ]
            url = page["next"]
    return sorted(out)


@pytest.fixture
def year_of_events(room, association):
    # Tuesdays 18:00 from 6 October 2026 to November 2027: across 25 Oct 2026 (to winter
    # time), 28 Mar 2027 (to summer time) and 31 Oct 2027 (to winter time again).
    series = make_series(
        room=room,
        association=association,
        first=local(2026, 10, 6, 18),
        count=58,
        remote_url="https://meet.example.org/j/42?pwd=a,b;c",  # a CONFERENCE line every reader must get past
        category=CategoryFactory(),
        description="Rivi 1\r\nRivi 2, jossa pilkku; ja puolipiste",
    )
    cancel(series, local(2026, 12, 29, 18))
    move(series, local(2027, 4, 6, 18), local(2027, 4, 7, 9))
    make_series(room=room, association=association, first=local(2027, 10, 28, 10), count=3, hours=1)
    make_event(room=room, association=association, start=local(2027, 1, 15, 12))  # winter
    make_event(room=room, association=association, start=local(2027, 7, 15, 12))  # summer
    make_event(room=room, association=association, start=local(2027, 12, 15, 12))  # next winter


def test_ical_js_reads_every_date_where_the_api_puts_it(client, year_of_events):
    body = client.get("/calendar.ics").content
    expected = api_dates(client)
    assert len(expected) == 57 + 3 + 3
    assert icaljs(body) == expected


def test_icalendar_and_vobject_read_the_same_dates(client, year_of_events):
    body = client.get("/calendar.ics").content
    expected = api_dates(client)
    assert icalendar_dates(body) == expected
    assert vobject_dates(body) == expected


def test_winter_dates_of_next_year_keep_their_local_time_in_ical_js(client, year_of_events):
    starts = [start for start, _end in icaljs(client.get("/calendar.ics").content)]
    tuesdays = [s.astimezone(HEL) for s in starts if s.astimezone(HEL).weekday() == 1]
    assert {s.hour for s in tuesdays} == {18}
    assert {s.utcoffset() for s in tuesdays} == {timedelta(hours=2), timedelta(hours=3)}


def test_the_rdate_vtimezone_of_issue_12_really_fools_ical_js(client, year_of_events):
    # The check above can fail: with the VTIMEZONE icalendar writes (DTSTART + RDATE, no
    # RRULE), ical.js misplaces dates that the API and icalendar agree on.
    body = client.get("/calendar.ics").content.decode()
    old = Timezone.from_tzinfo(
        ZoneInfo("Europe/Helsinki"), first_date=date(2026, 10, 5), last_date=date(2027, 12, 16)
    )
    assert "RDATE" in old.to_ical().decode()
    body = re.sub(r"BEGIN:VTIMEZONE.*?END:VTIMEZONE\r\n", old.to_ical().decode(), body, count=1, flags=re.S)
    assert icalendar_dates(body.encode()) == api_dates(client)
    assert icaljs(body.encode()) != api_dates(client)


def test_the_vtimezone_uses_yearly_rules(client, year_of_events):
    cal = Calendar.from_ical(client.get("/calendar.ics").content)
    (vtimezone,) = cal.walk("VTIMEZONE")
    observances = vtimezone.walk("STANDARD") + vtimezone.walk("DAYLIGHT")
    assert len(observances) == 2
    assert all("RRULE" in o and "RDATE" not in o for o in observances)
