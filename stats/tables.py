"""Every table of the /stats/ page, shared by the HTML page and its CSV downloads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import hours as h
from .report import Report


@dataclass
class Table:
    name: str  # also the CSV file: /stats/<name>.csv
    caption: str
    headers: list[str]
    rows: list[list[object]]
    # The CSV may be longer than the page's table (the heat map); defaults to the same.
    csv_headers: list[str] = field(default_factory=list)
    csv_rows: list[list[object]] = field(default_factory=list)

    def csv(self) -> tuple[list[str], list[list[object]]]:
        return (self.csv_headers or self.headers, self.csv_rows or self.rows)


# Years of one-off bookings are thousands of activities: the page lists the busiest.
PAGE_ACTIVITIES = 30


def percent(ratio: float | None) -> float | None:
    return None if ratio is None else round(ratio * 100, 1)


def month_name(label: str) -> str:
    """ "2026-01" as the reader's language writes it ("tammikuu 2026"); the CSV and JSON keep ISO."""
    year, month = (int(part) for part in label.split("-"))
    return date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")


def weekdays() -> list[str]:
    return [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


def cell_utilization(report: Report) -> list[float | None]:
    """Booked / open per weekday-hour cell; None where the rooms were never open then."""
    result: list[float | None] = []
    for booked, opened in zip(report.booked_cells, report.open_cells, strict=True):
        result.append(booked / opened if opened > 0 else None)
    return result


def build_tables(report: Report, contract: dict) -> dict[str, Table]:
    usage = report.usage
    venue_of = {room.id: room.venue.name for room in usage.rooms}
    tables = [
        Table(
            "rooms",
            _("Rooms"),
            [_("Room"), _("Venue"), _("Open hours"), _("Booked hours"), _("Utilisation %")],
            [
                [r["name"], venue_of[r["id"]], r["open_hours"], r["booked_hours"], percent(r["utilization"])]
                for r in contract["rooms"]
            ],
        ),
        Table(
            "months",
            _("Month by month, all rooms listed"),
            [
                _("Month"),
                _("Open hours"),
                _("Booked hours"),
                _("Utilisation %"),
                _("Visits recorded"),
                _("Dates with a count"),
            ],
            [
                [
                    month_name(m["month"]),
                    m["open_hours"],
                    m["booked_hours"],
                    percent(m["utilization"]),
                    m["participants"],
                    m["recorded_events"],
                ]
                for m in contract["by_month"]
            ],
            # The CSV keeps the ISO month (2026-01) for machines to read.
            csv_rows=[
                [
                    m["month"],
                    m["open_hours"],
                    m["booked_hours"],
                    percent(m["utilization"]),
                    m["participants"],
                    m["recorded_events"],
                ]
                for m in contract["by_month"]
            ],
        ),
        Table(
            "room_months",
            _("Utilisation % of each room month by month"),
            [_("Room"), *[month_name(label) for label in usage.month_labels]],
            [
                [
                    room.name,
                    *[
                        percent(
                            h.utilization(
                                usage.booked_secs.get(room.id, {}).get(label, 0.0),
                                usage.open_secs[room.id][label],
                            )
                        )
                        for label in usage.month_labels
                    ],
                ]
                for room in usage.rooms
            ],
            # The CSV keeps the ISO month (2026-01) for machines to read.
            csv_headers=[_("Room"), *usage.month_labels],
        ),
        Table(
            "associations",
            _("Associations"),
            [
                _("Association"),
                _("Booked hours"),
                _("Events"),
                _("Joint events"),
                _("Hosted together with"),
                _("Visits recorded"),
                _("Dates with a count"),
            ],
            [
                [
                    a["name"],
                    a["booked_hours"],
                    a["events"],
                    report.joint.get(a["id"], 0),
                    ", ".join(report.partners.get(a["id"], [])),
                    a["participants"],
                    a["recorded_events"],
                ]
                for a in contract["associations"]
            ],
        ),
        Table(
            "pairs",
            _("Associations that host together"),
            [_("Association"), _("Association"), _("Joint events")],
            [list(pair) for pair in report.pairs],
        ),
    ]
    group_headers = [
        _("Booked hours"),
        _("Events"),
        _("Participants in total"),
        _("Events with participants recorded"),
        _("Average participants"),
        _("Participants / room capacity %"),
    ]

    def group_rows(groups):
        return [
            [
                g.label,
                g.booked_hours,
                g.events,
                g.attendance,
                g.reported,
                g.average_attendance,
                percent(g.fill_rate),
            ]
            for g in groups
        ]

    activity_headers = [
        _("Activity"),
        _("Association"),
        _("Dates"),
        _("Dates with a count"),
        _("Dates without a count"),
        _("Visits recorded"),
        _("Average visits per counted date"),
        _("Visits / room capacity %"),
    ]
    activity_rows = [
        [
            a.title,
            a.association,
            a.events,
            a.reported,
            a.unrecorded,
            a.attendance,
            a.average_attendance,
            percent(a.fill_rate),
        ]
        for a in report.activities
    ]
    tables += [
        Table(
            "activities",
            _("Participation by activity (the %(n)d with most visits; all of them in the CSV)")
            % {"n": PAGE_ACTIVITIES}
            if len(report.activities) > PAGE_ACTIVITIES
            else _("Participation by activity"),
            activity_headers,
            activity_rows[:PAGE_ACTIVITIES],
            csv_rows=activity_rows,
        ),
        Table("categories", _("By category"), [_("Category"), *group_headers], group_rows(report.categories)),
        Table("audiences", _("By audience"), [_("Audience"), *group_headers], group_rows(report.audiences)),
        Table(
            "cancellations",
            _("Cancellations and unused bookings"),
            [_("Figure"), _("Dates")],
            [
                [_("Cancelled dates"), report.cancelled],
                [_("Late cancellations (less than 48 hours before the start)"), report.late_cancelled],
                [_("Confirmed but marked unused"), report.unused],
            ],
        ),
    ]
    utilization = cell_utilization(report)
    days = weekdays()
    tables.append(
        Table(
            "heat_map",
            _("Utilisation % by weekday and hour (empty: closed)"),
            [pgettext("heat map corner", "Weekday"), *[f"{hour:02d}" for hour in range(24)]],
            [[days[d], *[percent(utilization[d * 24 + hr]) for hr in range(24)]] for d in range(7)],
            csv_headers=[_("Weekday"), _("Hour"), _("Open hours"), _("Booked hours"), _("Utilisation %")],
            csv_rows=[
                [
                    days[d],
                    f"{hr:02d}",
                    h.hours(report.open_cells[d * 24 + hr]),
                    h.hours(report.booked_cells[d * 24 + hr]),
                    percent(utilization[d * 24 + hr]),
                ]
                for d in range(7)
                for hr in range(24)
            ],
        )
    )
    return {table.name: table for table in tables}
