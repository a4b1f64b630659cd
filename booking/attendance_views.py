"""/my/attendance/: the phone-first list of the last weeks' dates, one number each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import services
from .selectors import ATTENDANCE_WEEKS, attendance_dates


def _field(occurrence) -> str:
    return f"p-{occurrence.pk}"


@login_required
def attendance_list(request):
    now = timezone.now()
    dates = list(attendance_dates(request.user, now=now))
    errors: dict[int, str] = {}
    if request.method == "POST":
        saved = 0
        for occurrence in dates:
            raw = request.POST.get(_field(occurrence), "").strip()
            if raw == "" or (occurrence.attendance is not None and raw == str(occurrence.attendance)):
                continue
            if not (raw.isascii() and raw.isdigit()):
                errors[occurrence.pk] = _("Give the number of visits as a whole number, 0 or more.")
                continue
            try:
                services.attendance_record(
                    actor=request.user,
                    booking=occurrence.booking,
                    start=occurrence.start,
                    participants=int(raw),
                )
            except (ValidationError, PermissionDenied) as exc:
                errors[occurrence.pk] = " ".join(getattr(exc, "messages", [str(exc)]))
            else:
                saved += 1
        if not errors:
            if saved:
                messages.success(
                    request, ngettext("%(n)d count saved.", "%(n)d counts saved.", saved) % {"n": saved}
                )
            return redirect("booking:attendance_list")
    rows = [
        {
            "occurrence": o,
            "start": timezone.localtime(o.start, o.room.venue.tz if o.room_id else None),
            "field": _field(o),
            "value": request.POST.get(_field(o), "")
            if errors
            else ("" if o.attendance is None else o.attendance),
            "error": errors.get(o.pk),
        }
        for o in dates
    ]
    context = {
        "rows": rows,
        "weeks": ATTENDANCE_WEEKS,
        "missing": sum(1 for o in dates if o.attendance is None),
    }
    return render(request, "booking/attendance_list.html", context, status=400 if errors else 200)
