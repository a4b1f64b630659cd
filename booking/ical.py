"""iCalendar (RFC 5545) rendering of calendar events. Pure: no database, no requests.

A series stays a series: one VEVENT with the booking's RRULE, EXDATE for every generated
date that is not a confirmed date any more, and an override VEVENT (same UID,
RECURRENCE-ID) for a date that was moved or changed length. Times carry the venue's TZID,
so a weekly 18:00 stays 18:00 across daylight-saving changes in the subscriber's app; the
VTIMEZONE is written with yearly rules (booking.vtimezone) so every client reads it alike.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vDuration, vRecur, vText, vUri

from tupa.text import multi_line, one_line

from .recurrence import RecurrenceError, local_dates, localize, parse_rule, until_instant
from .vtimezone import vtimezone

PRODID = "-//Tupa//Tupa calendar//EN"
# A rule that escaped validation must not make one request expand for ever.
MAX_EXPANDED = 2000


@dataclass(frozen=True)
class FeedDate:
    """One materialised date of a booking (merged over its rooms)."""

    recurrence_id: datetime  # aware: the date as the rule generated it
    start: datetime  # aware
    end: datetime  # aware
    confirmed: bool
    url: str = ""


@dataclass
class FeedEvent:
    uid: str
    summary: str
    tz: ZoneInfo
    dates: list[FeedDate]
    rrule: str = ""
    sequence: int = 0
    stamp: datetime | None = None  # DTSTAMP: the last change (RFC 5545 3.8.7.2 without METHOD)
    description: str = ""
    location: str = ""
    url: str = ""
    categories: list[str] = field(default_factory=list)
    remote_url: str = ""  # the join link of an online session
    remote_label: str = ""  # what a client shows on the join button


def _rule_parts(rule: str, tz: ZoneInfo) -> dict[str, str]:
    parts = parse_rule(rule)
    if "UNTIL" in parts:
        try:
            parts["UNTIL"] = until_instant(parts["UNTIL"], tz).strftime("%Y%m%dT%H%M%SZ")
        except RecurrenceError:
            del parts["UNTIL"]
    return parts


def generated_dates(rule: str, dtstart: datetime, tz: ZoneInfo) -> list[datetime]:
    """The dates `rule` generates from the aware `dtstart`, expanded on local wall-clock time."""
    local_start = dtstart.astimezone(tz).replace(tzinfo=None)
    try:
        rule_set = local_dates(rule, local_start, tz)
    except RecurrenceError:
        return [localize(local_start, tz)]
    dates = []
    try:
        for naive in rule_set:
            dates.append(localize(naive, tz))
            if len(dates) >= MAX_EXPANDED:
                break
    except RecurrenceError:  # stored before it was refused: render what it gave
        pass
    # RFC 5545: DTSTART is always the first instance, even when the rule would not produce it.
    first = localize(local_start, tz)
    if first not in dates:
        dates.insert(0, first)
    return dates


def _vevent(ev: FeedEvent, start: datetime, end: datetime, url: str, **extra) -> Event:
    categories = [one_line(c) for c in ev.categories if one_line(c)]
    component = Event.new(
        uid=ev.uid,
        start=start.astimezone(ev.tz),
        end=end.astimezone(ev.tz),
        summary=one_line(ev.summary),
        sequence=ev.sequence,
        stamp=(ev.stamp or datetime.now(UTC)).astimezone(UTC),
        last_modified=ev.stamp.astimezone(UTC) if ev.stamp else None,
        status="CONFIRMED",
        description=multi_line(ev.description) or None,
        location=one_line(ev.location) or None,
        url=url or ev.url or None,
        # An empty list would write an empty "CATEGORIES:" line, which some parsers reject.
        categories=categories or None,
        **extra,
    )
    if ev.remote_url:
        # RFC 7986 CONFERENCE: Apple, Thunderbird and others show a join button for it.
        component.add(
            "CONFERENCE",
            vUri(ev.remote_url),
            parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": one_line(ev.remote_label) or "Video"},
        )
    return component


def event_components(ev: FeedEvent) -> list[Event]:
    """The VEVENTs of one booking: a series with its overrides, or plain dates."""
    confirmed = [d for d in ev.dates if d.confirmed]
    if ev.rrule:
        try:
            vRecur.from_ical(";".join(f"{k}={v}" for k, v in _rule_parts(ev.rrule, ev.tz).items()))
        except (ValueError, TypeError):
            # A rule we cannot write: list its confirmed dates one by one instead.
            ev = replace(ev, rrule="")
    if not ev.rrule:
        if len(confirmed) == 1:
            d = confirmed[0]
            return [_vevent(ev, d.start, d.end, d.url)]
        # Several dates without a rule: each its own event with its own UID.
        local, _, domain = ev.uid.partition("@")
        return [
            _vevent(
                replace(ev, uid=f"{local}-{d.recurrence_id.astimezone(UTC):%Y%m%dT%H%M%SZ}@{domain}"),
                d.start,
                d.end,
                d.url,
            )
            for d in confirmed
        ]
    if not confirmed:
        return []

    by_rid: dict[datetime, FeedDate] = {}
    for d in ev.dates:
        rid = d.recurrence_id.astimezone(UTC)
        # A date confirmed in any of its rooms is confirmed.
        if rid not in by_rid or d.confirmed:
            by_rid[rid] = d
    dtstart = min(by_rid).astimezone(ev.tz)
    lengths = Counter(d.end - d.start for d in ev.dates if d.start == d.recurrence_id)
    length = lengths.most_common(1)[0][0] if lengths else confirmed[0].end - confirmed[0].start

    generated = generated_dates(ev.rrule, dtstart, ev.tz)
    generated_utc = {g.astimezone(UTC) for g in generated}
    first_url = next((d.url for d in sorted(confirmed, key=lambda d: d.start) if d.url), ev.url)
    master = _vevent(ev, dtstart, dtstart + length, ev.url or first_url)
    master.add(
        "RRULE", vRecur.from_ical(";".join(f"{k}={v}" for k, v in _rule_parts(ev.rrule, ev.tz).items()))
    )

    exdates: list[datetime] = []
    overrides: list[Event] = []
    for g in generated:
        d = by_rid.get(g.astimezone(UTC))
        if d is None or not d.confirmed:
            exdates.append(g)
        elif d.start != g or d.end - d.start != length:
            overrides.append(_vevent(ev, d.start, d.end, d.url, recurrence_id=g))
    # Dates the rule does not generate (added by hand): RDATE, with an override for their times.
    rdates = []
    for rid, d in sorted(by_rid.items()):
        if rid in generated_utc or not d.confirmed:
            continue
        local_rid = rid.astimezone(ev.tz)
        rdates.append(local_rid)
        if d.start != local_rid or d.end - d.start != length:
            overrides.append(_vevent(ev, d.start, d.end, d.url, recurrence_id=local_rid))
    if exdates:
        master.add("EXDATE", exdates)
    if rdates:
        master.add("RDATE", rdates)
    return [master, *overrides]


def date_component(ev: FeedEvent, recurrence_id: datetime) -> Event | None:
    """One date of the event as the feed names it: the series UID with its RECURRENCE-ID.

    A download of one date then updates the same entry a subscription shows, instead of
    adding a duplicate. Without a rule each date is its own event with its own UID.
    """
    rid = recurrence_id.astimezone(UTC)
    date_ = next((d for d in ev.dates if d.recurrence_id.astimezone(UTC) == rid and d.confirmed), None)
    if date_ is None:
        return None
    components = event_components(ev)
    if components and "RRULE" in components[0]:
        return _vevent(ev, date_.start, date_.end, date_.url, recurrence_id=recurrence_id.astimezone(ev.tz))
    for component in components:
        if component["DTSTART"].dt == date_.start:
            return component
    return _vevent(ev, date_.start, date_.end, date_.url)


def render_calendar(
    events: list[FeedEvent],
    *,
    name: str,
    description: str = "",
    default_tz: ZoneInfo,
    refresh: timedelta = timedelta(hours=1),
    today: date | None = None,
    components: list[Event] | None = None,
) -> bytes:
    """The VCALENDAR of `events` (or of ready `components`, e.g. one date of a series)."""
    cal = Calendar.new(prodid=PRODID)
    # Calendar.new invents a random UID; the body must be reproducible for its ETag.
    del cal["UID"]
    # Calendar.new(name=...) writes NAME unescaped: a comma or newline in a room's name
    # would then break the line. vText escapes as RFC 5545 3.3.11 says.
    cal.add("NAME", vText(one_line(name)))
    cal.add("X-WR-CALNAME", vText(one_line(name)))
    if description:
        cal.add("DESCRIPTION", vText(multi_line(description)))
        cal.add("X-WR-CALDESC", vText(multi_line(description)))
    cal.add("CALSCALE", "GREGORIAN")
    # The VALUE parameter is required (RFC 7986); the refresh_interval= shortcut leaves it out.
    cal.add("REFRESH-INTERVAL", refresh, parameters={"VALUE": "DURATION"})
    cal.add("X-PUBLISHED-TTL", vDuration(refresh))  # the same hint for Outlook
    moments: list[datetime] = []
    zones: set[str] = set()
    body: list[Event] = list(components or [])
    for ev in events:
        body.extend(event_components(ev))
    for ev in events:
        moments.extend(d.start for d in ev.dates)
        moments.extend(d.recurrence_id for d in ev.dates)
        zones.add(ev.tz.key)
    if not moments:
        # RFC 5545 wants at least one component; an empty feed carries its zone.
        day = today or date.today()
        moments = [datetime(day.year, day.month, day.day, tzinfo=UTC)]
        zones.add(default_tz.key)
    first, last = min(moments).date(), max(moments).date()
    # Timezones first: some clients (Outlook) read VTIMEZONE only before the events using it.
    for key in sorted(zones):
        cal.add_component(vtimezone(key, first, last))
    for component in body:
        cal.add_component(component)
    return cal.to_ical()
