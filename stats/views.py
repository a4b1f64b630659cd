"""/stats/: the usage statistics page and the CSV of each of its tables."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tupa import csvsafe

from . import charts
from .forms import StatsPageForm
from .report import build_report
from .selectors import usage
from .tables import build_tables, cell_utilization, percent, weekdays


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def presets(today: date) -> list[tuple[str, date, date]]:
    """Quick periods: this and last year, this and last month, the four seasons of this year."""
    last_month_end = today.replace(day=1) - timedelta(days=1)
    year = today.year
    return [
        (_("This year"), date(year, 1, 1), date(year, 12, 31)),
        (_("Last year"), date(year - 1, 1, 1), date(year - 1, 12, 31)),
        (_("This month"), today.replace(day=1), _month_end(today)),
        (_("Last month"), last_month_end.replace(day=1), last_month_end),
        (_("Winter (Dec–Feb)"), date(year - 1, 12, 1), _month_end(date(year, 2, 1))),
        (_("Spring (Mar–May)"), date(year, 3, 1), date(year, 5, 31)),
        (_("Summer (Jun–Aug)"), date(year, 6, 1), date(year, 8, 31)),
        (_("Autumn (Sep–Nov)"), date(year, 9, 1), date(year, 11, 30)),
    ]


def _form(request: HttpRequest) -> StatsPageForm:
    params: QueryDict = request.GET.copy()
    if not params.get("start") and not params.get("end"):
        today = timezone.localdate()
        params["start"] = date(today.year, 1, 1).isoformat()
        params["end"] = date(today.year, 12, 31).isoformat()
    return StatsPageForm(params)


def _figures(form: StatsPageForm):
    data = form.cleaned_data
    figures = usage(
        start=data["start"],
        end=data["end"],
        venue=data["venue"],
        room=data["room"],
        municipality=data.get("municipality"),
    )
    report = build_report(figures)
    contract = figures.as_contract()
    return report, contract, build_tables(report, contract)


def _percent(ratio) -> str:
    # In the reader's format, as in the tables beside the charts: "12,5 %" in Finnish.
    value = percent(ratio)
    return "–" if value is None else f"{number_format(value, decimal_pos=1)} %"


def _hours(value) -> str:
    return f"{number_format(value, decimal_pos=1)} h"


def _short_month(label: str) -> str:
    year, month = (int(part) for part in label.split("-"))
    return date_format(date(year, month, 1), "M Y" if month == 1 else "M")


def _charts(report, contract) -> dict:
    utilization = cell_utilization(report)
    days = weekdays()
    titles = []
    for index, value in enumerate(utilization):
        day, hour = divmod(index, 24)
        if value is None:
            titles.append(_("%(day)s %(hour)02d:00: closed") % {"day": days[day], "hour": hour})
        else:
            titles.append(
                _("%(day)s %(hour)02d:00: %(percent)s %% used")
                % {"day": days[day], "hour": hour, "percent": number_format(percent(value), decimal_pos=1)}
            )
    return {
        "months": charts.columns(
            [
                (_short_month(m["month"]), m["utilization"], _percent(m["utilization"]))
                for m in contract["by_month"]
            ],
            maximum=1,
        ),
        "rooms": charts.horizontal_bars(
            [(r["name"], r["utilization"], _percent(r["utilization"])) for r in contract["rooms"]],
            maximum=1,
        ),
        "categories": charts.horizontal_bars(
            [(g.label, g.secs, _hours(g.booked_hours)) for g in report.categories]
        ),
        "audiences": charts.horizontal_bars(
            [(g.label, g.secs, _hours(g.booked_hours)) for g in report.audiences]
        ),
        "heat": charts.heat_map(utilization, titles),
        "trends": [(a, charts.sparkline(a.counts)) for a in report.activities if len(a.counts) > 1],
        "weekdays": [(24 + i * 22 + 15, day) for i, day in enumerate(days)],
    }


@require_safe
def stats_page(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    context = {"form": form, "presets": [], "today": timezone.localdate()}
    kept = urlencode([(k, request.GET[k]) for k in ("municipality", "venue", "room") if request.GET.get(k)])
    context["presets"] = [(label, start, end, kept) for label, start, end in presets(context["today"])]
    if not form.is_valid():
        return render(request, "stats/usage.html", context, status=400)
    report, contract, tables = _figures(form)
    query = form.data.urlencode()
    context.update(
        report=report,
        contract=contract,
        tables=tables,
        charts=_charts(report, contract),
        query=query,
    )
    return render(request, "stats/usage.html", context)


@require_safe
def stats_csv(request: HttpRequest, name: str) -> HttpResponse:
    form = _form(request)
    if not form.is_valid():
        lines = [f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()]
        return HttpResponse("\n".join(lines), status=400, content_type="text/plain; charset=utf-8")
    _report, _contract, tables = _figures(form)
    if name not in tables:
        raise Http404
    headers, rows = tables[name].csv()
    data = form.cleaned_data
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tupa-{name}-{data["start"]}-{data["end"]}.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(headers)
    writer.writerows(rows)
    return response


# The one-page report lists at most this many associations and pairs; the rest are counted.
REPORT_ASSOCIATIONS = 24
REPORT_PAIRS = 6


@require_safe
def funder_report(request: HttpRequest) -> HttpResponse:
    """/stats/report/: the period's figures on one printable A4 page, for a funder's report."""
    form = _form(request)
    if not form.is_valid():
        return render(request, "stats/report.html", {"form": form}, status=400)
    report, contract, _tables = _figures(form)
    total = report.total
    associations = contract["associations"]
    booked = sum(r["booked_hours"] for r in contract["rooms"])
    opened = sum(r["open_hours"] for r in contract["rooms"])
    months = contract["by_month"]
    context = {
        "form": form,
        "data": form.cleaned_data,
        "contract": contract,
        "report": report,
        "figures": {
            "events": total.events if total else 0,
            "booked_hours": round(booked, 1),
            "utilization": percent(booked / opened) if opened else None,
            "associations": len(associations),
            "joint_dates": report.joint_dates,
            "visits": total.attendance if total else 0,
            "counted": total.reported if total else 0,
            "uncounted": total.unrecorded if total else 0,
            "average": total.average_attendance if total else None,
        },
        "associations": associations[:REPORT_ASSOCIATIONS],
        "more_associations": max(len(associations) - REPORT_ASSOCIATIONS, 0),
        "pairs": report.pairs[:REPORT_PAIRS],
        "more_pairs": max(len(report.pairs) - REPORT_PAIRS, 0),
        "charts": {
            "utilization": charts.fitted_columns(
                [(m["month"][2:], m["utilization"], f"{percent(m['utilization']):.0f}") for m in months]
            ),
            "visits": charts.fitted_columns(
                [(m["month"][2:], m["participants"], str(m["participants"])) for m in months]
            ),
        },
        "stats_url": request.build_absolute_uri(reverse("stats:usage") + "?" + form.data.urlencode()),
        "today": timezone.localdate(),
    }
    return render(request, "stats/report.html", context)
