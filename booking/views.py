"""The booking pages: a room's week, the booking form, a booking, editing, my bookings.

Thin views: a permission helper, a form, one service call, then redirect or render.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Max, Min, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from associations.models import Association, Membership
from venues.models import Room

from . import plain_rrule, services
from .alternatives import suggest_alternatives
from .forms import (
    AttendanceForm,
    BookingForm,
    CancelForm,
    CoHostInviteForm,
    EventDetailsForm,
    MoveForm,
    MyBookingsFilter,
    SeriesEditForm,
    add_service_errors,
)
from .models import Booking, CoHost, Occurrence, Status
from .permissions import BookingAccess, booking_access, roles_of
from .recurrence import expand, local_day_bounds
from .room_week import build_week, monday_of
from .selectors import room_week_entries
from .series import (
    PUBLIC_DETAIL_FIELDS,
    booking_update_series,
    cohost_invite,
    event_details_update,
    occurrence_record_attendance,
)

PAGE_SIZE = 20
ACTIVE = (Status.CONFIRMED, Status.PENDING)
PATTERN_FIELDS = ("date", "start", "end", "repeat", "weekdays", "until", "count")


# ---------------------------------------------------------------- helpers


def _parse_date(value: str | None) -> date | None:
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


def _load_booking(pk: int) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("room__venue", "association", "category").prefetch_related(
            Prefetch("occurrences", queryset=Occurrence.objects.select_related("room").order_by("start")),
            Prefetch("cohosts", queryset=CoHost.objects.select_related("association").order_by("pk")),
        ),
        pk=pk,
    )


def _get_booking_for(request, pk: int, *, need: str = "view") -> tuple[Booking, BookingAccess]:
    """The booking and what the user may do with it: 404 for who may not see it, 403 short of `need`."""
    booking = _load_booking(pk)
    access = booking_access(request.user, booking)
    if not access.view:
        raise Http404
    if not getattr(access, need):
        raise PermissionDenied
    return booking, access


def _one_row_per_date(booking: Booking) -> list[Occurrence]:
    """A multi-room event has a row per room and date; the page speaks of dates."""
    by_date: dict[datetime, Occurrence] = {}
    for o in booking.occurrences.all():
        kept = by_date.get(o.recurrence_id)
        if kept is None or (o.room_id == booking.room_id and kept.room_id != booking.room_id):
            by_date[o.recurrence_id] = o
    return sorted(by_date.values(), key=lambda o: o.start)


def _rooms_of(booking: Booking) -> list[Room]:
    rooms = {o.room_id: o.room for o in booking.occurrences.all() if o.room_id}
    primary = rooms.pop(booking.room_id, None)
    return ([primary] if primary else []) + sorted(rooms.values(), key=lambda r: r.name)


def _tz(booking: Booking):
    return booking.room.venue.tz if booking.room_id else timezone.get_default_timezone()


def _initial_from_query(query, form_class) -> dict:
    """Prefill the booking form from a link (a free slot or an alternative)."""
    initial: dict = {}
    for name, bound in form_class.base_fields.items():
        if name not in query:
            continue
        multiple = getattr(bound.widget, "allow_multiple_selected", False)
        initial[name] = query.getlist(name) if multiple else query.get(name)
    start = query.get("start", "")
    if "T" in start:
        try:
            moment = datetime.fromisoformat(start)
        except ValueError:
            initial.pop("start", None)
        else:
            initial["date"] = moment.date()
            initial["start"] = moment.time().replace(tzinfo=None)
            initial.setdefault("end", (moment + timedelta(hours=1)).time().replace(tzinfo=None))
    return initial


def _conflict_context(request, form, conflicts, *, slots) -> dict:
    """The colliding dates and with what (no private titles), the free ones, alternatives."""
    data = form.cleaned_data
    room = data["room"]
    tz = room.venue.tz
    by_date: dict[datetime, list] = defaultdict(list)
    for c in conflicts:
        by_date[c.requested_start].append(c)
    rows = [
        {
            "start": start.astimezone(tz),
            "end": items[0].requested_end.astimezone(tz),
            "with": [
                {
                    "title": c.title,
                    "start": c.start.astimezone(tz),
                    "end": c.end.astimezone(tz),
                }
                for c in items
            ],
        }
        for start, items in sorted(by_date.items())
    ]
    alternatives = suggest_alternatives(room=room, slots=slots, participants=data.get("expected_attendance"))
    base = {k: v for k, v in request.POST.lists() if k not in ("csrfmiddlewaretoken", "only_free_dates")}

    def link(alt) -> str:
        query = dict(base)
        query.update(
            room=[alt.room.pk],
            date=[alt.local_start.date().isoformat()],
            start=[alt.local_start.strftime("%H:%M")],
            end=[alt.local_end.strftime("%H:%M")],
        )
        return reverse("booking:new") + "?" + urlencode(query, doseq=True)

    return {
        "tz": tz,
        "conflict_rows": rows,
        "total_dates": len(slots),
        "free_dates": len(slots) - len(rows),
        "same_room": [(alt, link(alt)) for alt in alternatives.same_room],
        "other_rooms": [(alt, link(alt)) for alt in alternatives.other_rooms],
    }


# ---------------------------------------------------------------- a room's week


@login_required
def room_week(request, room_id: int):
    room = get_object_or_404(
        Room.objects.select_related("venue").prefetch_related("opening_hours"), pk=room_id, is_active=True
    )
    tz = room.venue.tz
    today = timezone.localtime(timezone.now(), tz).date()
    monday = monday_of(_parse_date(request.GET.get("date")) or today)
    week_start = local_day_bounds(monday, tz)[0]
    week_end = local_day_bounds(monday + timedelta(days=6), tz)[1]
    rules = services.room_rules(room, week_start, week_end)

    entries = room_week_entries(room=room, user=request.user, start=week_start, end=week_end)
    week = build_week(monday=monday, rules=rules, entries=entries, now=timezone.now())
    context = {
        "room": room,
        "venue": room.venue,
        "week": week,
        "tz": tz,
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "previous": (monday - timedelta(days=7)).isoformat(),
        "next": (monday + timedelta(days=7)).isoformat(),
        "this_week": monday == monday_of(today),
        "today": today,
    }
    return render(request, "booking/room_week.html", context)


# ---------------------------------------------------------------- booking


@login_required
def booking_new(request):
    if request.method != "POST":
        form = BookingForm(initial=_initial_from_query(request.GET, BookingForm), user=request.user)
        return render(request, "booking/booking_form.html", {"form": form})

    form = BookingForm(request.POST, user=request.user)
    context: dict = {"form": form}
    if not form.is_valid():
        return render(request, "booking/booking_form.html", context, status=400)
    data = form.cleaned_data
    try:
        result = services.booking_create(
            actor=request.user,
            association=data["association"],
            room=data["room"],
            title=data["title"],
            start=data["start_at"],
            end=data["end_at"],
            rrule=data["rrule"],
            extra_rooms=data["extra_rooms"],
            location=data["location"],
            cohosts=data["cohosts"],
            only_free_dates=request.POST.get("only_free_dates") == "1",
            **form.details(),
        )
    except services.BookingConflict as exc:
        slots = expand(data["rrule"], data["start_at"], data["end_at"], data["room"].venue.tz)
        context.update(_conflict_context(request, form, exc.conflicts, slots=slots))
        return render(request, "booking/booking_form.html", context, status=409)
    except PermissionDenied as exc:
        form.add_error("association", str(exc))
    except ValidationError as exc:
        add_service_errors(form, exc)
    else:
        booking = result.booking
        if booking.status == Status.PENDING:
            messages.warning(request, _("Your request was saved. It waits for a coordinator's approval."))
        else:
            if booking.room_id:
                messages.success(request, _("Booked. The room is yours."))
            else:
                messages.success(request, _("Saved. The event is in the calendar."))
        if result.skipped:
            messages.warning(request, _("Some dates were taken and were skipped; they are listed below."))
        return redirect(booking)
    return render(request, "booking/booking_form.html", context, status=400)


def _skipped_dates(booking: Booking, tz) -> list[datetime]:
    entry = booking.audit.filter(action="booking.created").order_by("created_at").first()
    skipped = (entry.data or {}).get("skipped", []) if entry else []
    result = []
    for value in skipped:
        try:
            result.append(datetime.fromisoformat(value).astimezone(tz))
        except (TypeError, ValueError):
            continue
    return sorted(result)


@login_required
def booking_detail(request, pk: int):
    booking = _load_booking(pk)
    access = booking_access(request.user, booking)
    occurrences = _one_row_per_date(booking)
    if not access.view:
        if booking.is_public and booking.status == Status.CONFIRMED:
            now = timezone.now()
            shown = [o for o in occurrences if o.status == Status.CONFIRMED]
            upcoming = [o for o in shown if o.end > now] or shown
            if upcoming:
                return redirect("calendar:event", upcoming[0].pk)
        raise Http404
    tz = _tz(booking)
    now = timezone.now()
    may_record = access.record_attendance
    dates = [
        {
            "occurrence": o,
            "start": o.start.astimezone(tz),
            "end": o.end.astimezone(tz),
            "future": o.start > now,
            "active": o.status in ACTIVE,
            "moved": o.start != o.recurrence_id,
            "attendance_form": AttendanceForm(
                initial={"attendance": o.attendance, "unused": o.unused}, prefix=f"o{o.pk}"
            )
            if may_record and o.status == Status.CONFIRMED and o.start <= now
            else None,
        }
        for o in occurrences
    ]
    first_local = booking.start.astimezone(tz).date()
    context = {
        "booking": booking,
        "access": access,
        "dates": dates,
        "tz": tz,
        "series_words": plain_rrule.describe(booking.rrule, first_local),
        "has_future": any(d["future"] and d["active"] for d in dates),
        "future_count": sum(1 for d in dates if d["future"] and d["active"]),
        "skipped": _skipped_dates(booking, tz) if access.manage else [],
        "invite_form": CoHostInviteForm(booking=booking) if access.invite_cohosts else None,
        "rooms": _rooms_of(booking),
    }
    return render(request, "booking/booking_detail.html", context)


@login_required
def booking_details_edit(request, pk: int):
    """The event's public details, for the host and for accepted co-hosts alike."""
    booking, _access = _get_booking_for(request, pk, need="edit_details")
    initial = {name: getattr(booking, name) for name in PUBLIC_DETAIL_FIELDS}
    initial["category"] = booking.category_id
    form = EventDetailsForm(request.POST or None, initial=initial)
    context = {"booking": booking, "form": form}
    if request.method != "POST":
        return render(request, "booking/event_details_form.html", context)
    if not form.is_valid():
        return render(request, "booking/event_details_form.html", context, status=400)
    try:
        event_details_update(actor=request.user, booking=booking, **form.details())
    except ValidationError as exc:
        add_service_errors(form, exc)
        return render(request, "booking/event_details_form.html", context, status=400)
    messages.success(request, _("The event's details were saved."))
    return redirect(booking)


@login_required
@require_POST
def booking_cohost_invite(request, pk: int):
    booking, _access = _get_booking_for(request, pk, need="invite_cohosts")
    form = CoHostInviteForm(request.POST, booking=booking)
    if not form.is_valid():
        for error in form.errors.get("cohosts", []):
            messages.error(request, error)
        return redirect(booking)
    try:
        created = cohost_invite(
            actor=request.user, booking=booking, associations=form.cleaned_data["cohosts"]
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect(booking)
    if created:
        messages.success(
            request, _("Invited: %(names)s.") % {"names": ", ".join(c.association.name for c in created)}
        )
    return redirect(booking)


@login_required
@require_POST
def booking_cancel(request, pk: int):
    booking, _access = _get_booking_for(request, pk, need="manage")
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()) or _("Choose what to cancel."))
        return redirect(booking)
    scope = form.cleaned_data["scope"]
    occurrence = None
    if scope != "series":
        occurrence = get_object_or_404(Occurrence, pk=form.cleaned_data["occurrence"], booking=booking)
    if request.POST.get("confirm") != "1":
        tz = _tz(booking)
        context = {"booking": booking, "form": form, "scope": scope, "occurrence": occurrence, "tz": tz}
        return render(request, "booking/cancel_confirm.html", context)
    try:
        cancelled = services.booking_cancel(
            actor=request.user,
            booking=booking,
            occurrence=occurrence.start if scope == "occurrence" else None,
            from_start=occurrence.start if scope == "from" else None,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        # A member ending someone else's series (booking/permissions.py): say why on the page.
        messages.error(request, str(exc))
    else:
        if cancelled:
            # A multi-room date is one row per room: count dates, not rows.
            dates = len({o.recurrence_id for o in cancelled})
            messages.success(request, _("Cancelled %(n)d date(s).") % {"n": dates})
        else:
            messages.info(request, _("There was nothing left to cancel."))
    return redirect(booking)


@login_required
def occurrence_move(request, pk: int, occurrence_id: int):
    booking, _access = _get_booking_for(request, pk, need="manage")
    occurrence = get_object_or_404(Occurrence, pk=occurrence_id, booking=booking, status__in=ACTIVE)
    if booking.room_id is None:
        raise Http404
    tz = _tz(booking)
    local_start, local_end = occurrence.start.astimezone(tz), occurrence.end.astimezone(tz)
    initial = {"date": local_start.date(), "start": local_start.time(), "end": local_end.time()}
    # Only a date in one room may change room; a multi-room date moves in time only.
    single_room = occurrence.room_id is not None and not (
        booking.occurrences.filter(recurrence_id=occurrence.recurrence_id).exclude(pk=occurrence.pk).exists()
    )
    current = occurrence.room or booking.room
    form = MoveForm(request.POST or None, initial=initial, room=current, movable_room=single_room)
    context: dict = {
        "booking": booking,
        "occurrence": occurrence,
        "form": form,
        "local_start": local_start,
        "local_end": local_end,
    }
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            occurrence.booking = booking
            try:
                moved = services.occurrence_move(
                    actor=request.user,
                    occurrence=occurrence,
                    start=form.cleaned_data["start_at"],
                    end=form.cleaned_data["end_at"],
                    room=form.cleaned_data.get("room"),
                )
            except services.BookingConflict as exc:
                context["conflict_rows"] = _plain_conflicts(exc.conflicts, tz)
                status = 409
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if moved.status == Status.PENDING:
                    messages.warning(request, _("The date was moved. It waits for a coordinator's approval."))
                else:
                    messages.success(request, _("The date was moved."))
                return redirect(booking)
    return render(request, "booking/move.html", context, status=status)


def _plain_conflicts(conflicts, tz) -> list[dict]:
    return [
        {
            "start": c.requested_start.astimezone(tz),
            "end": c.requested_end.astimezone(tz),
            "with": [{"title": c.title, "start": c.start.astimezone(tz), "end": c.end.astimezone(tz)}],
        }
        for c in conflicts
    ]


@login_required
@require_POST
def cohost_answer(request, pk: int, association_id: int, answer: str):
    if answer not in ("accept", "decline"):
        raise Http404
    booking, _access = _get_booking_for(request, pk)
    association = get_object_or_404(Association, pk=association_id)
    services.cohost_respond(
        actor=request.user, booking=booking, association=association, accept=answer == "accept"
    )
    if answer == "accept":
        messages.success(request, _("%(name)s is now a co-host.") % {"name": association.name})
    else:
        messages.success(request, _("%(name)s declined to co-host.") % {"name": association.name})
    return redirect(booking)


@login_required
@require_POST
def record_attendance(request, pk: int, occurrence_id: int):
    booking, _access = _get_booking_for(request, pk)
    occurrence = get_object_or_404(Occurrence, pk=occurrence_id, booking=booking)
    occurrence.booking = booking
    form = AttendanceForm(request.POST, prefix=f"o{occurrence.pk}")
    if not form.is_valid():
        messages.error(request, _("Give the number of participants as a whole number."))
        return redirect(booking)
    try:
        occurrence_record_attendance(
            actor=request.user,
            occurrence=occurrence,
            attendance=form.cleaned_data["attendance"],
            unused=form.cleaned_data["unused"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Attendance saved."))
    return redirect(booking)


def _pattern_initial(booking: Booking) -> dict:
    """The form's time fields for the dates not yet started."""
    tz = _tz(booking)
    now = timezone.now()
    future = [o for o in booking.occurrences.all() if o.start >= now and o.status in ACTIVE]
    first = future[0] if future else booking
    start, end = first.start.astimezone(tz), first.end.astimezone(tz)
    initial = {"date": start.date(), "start": start.time(), "end": end.time(), "repeat": plain_rrule.NONE}
    plain = plain_rrule.parse(booking.rrule, start.date()) if booking.rrule else None
    if plain is not None and len(future) > 1:
        initial.update(repeat=plain.repeat, weekdays=plain.weekdays, until=plain.until)
        if plain.count is not None:
            initial["count"] = len(future)  # what remains of the series
    return initial


@login_required
def booking_edit(request, pk: int):
    booking, _access = _get_booking_for(request, pk, need="manage")
    if booking.room_id is None:
        raise Http404
    initial = {
        "title": booking.title,
        "is_public": booking.is_public,
        "description": booking.description,
        "category": booking.category_id,
        "audience": booking.audience,
        "remote_url": booking.remote_url,
        "expected_attendance": booking.expected_attendance,
        "accessibility_notes": booking.accessibility_notes,
        "is_free": booking.is_free,
        "registration_required": booking.registration_required,
        "image_url": booking.image_url,
        "image_alt": booking.image_alt,
        **_pattern_initial(booking),
    }
    form = SeriesEditForm(request.POST or None, initial=initial, room=booking.room)
    context: dict = {
        "booking": booking,
        "form": form,
        "series_words": plain_rrule.describe(booking.rrule, booking.start.astimezone(_tz(booking)).date()),
    }
    if request.method != "POST":
        return render(request, "booking/booking_edit.html", context)
    if not form.is_valid():
        return render(request, "booking/booking_edit.html", context, status=400)
    data = form.cleaned_data
    pattern: dict = {}
    if any(name in form.changed_data for name in PATTERN_FIELDS):
        pattern = {"start": data["start_at"], "end": data["end_at"], "rrule": data["rrule"]}
    try:
        booking_update_series(
            actor=request.user, booking=booking, title=data["title"], **form.details(), **pattern
        )
    except services.BookingConflict as exc:
        context["conflict_rows"] = _plain_conflicts(exc.conflicts, booking.room.venue.tz)
        return render(request, "booking/booking_edit.html", context, status=409)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return render(request, "booking/booking_edit.html", context, status=400)
    messages.success(request, _("The booking was updated."))
    return redirect(booking)


# ---------------------------------------------------------------- my bookings


@login_required
def my_bookings(request):
    associations = Association.objects.filter(memberships__user=request.user).order_by("name")
    form = MyBookingsFilter(request.GET or None, associations=associations)
    chosen = form.cleaned_data.get("association") if form.is_valid() else None
    ids = [chosen.pk] if chosen else list(associations.values_list("pk", flat=True))
    now = timezone.now()
    bookings = (
        Booking.objects.filter(
            Q(association_id__in=ids)
            | Q(
                pk__in=CoHost.objects.filter(association_id__in=ids, status=CoHost.Status.ACCEPTED).values(
                    "booking_id"
                )
            )
        )
        .select_related("room__venue", "association")
        .annotate(
            next_start=Min(
                "occurrences__start", filter=Q(occurrences__end__gt=now, occurrences__status__in=ACTIVE)
            ),
            last_start=Max("occurrences__start"),
        )
        .order_by(F("next_start").asc(nulls_last=True), F("last_start").desc(nulls_last=True), "-pk")
    )
    page = Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({"association": chosen.pk}) if chosen else ""
    admin_of = [a for a, role in roles_of(request.user).items() if role == Membership.Role.ADMIN]
    # Invitations to co-host wait here too, not only in the e-mail that announced them.
    invitations = (
        CoHost.objects.filter(association_id__in=admin_of, status=CoHost.Status.INVITED)
        .select_related("association", "booking__association")
        .order_by("booking__start")[:PAGE_SIZE]
    )
    context = {
        "invitations": invitations,
        "page": page,
        "form": form,
        "has_associations": bool(ids) or chosen is not None,
        "query": query,
    }
    return render(request, "booking/my_bookings.html", context)
