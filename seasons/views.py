"""Season pages: the coordinator opens, allocates and publishes; volunteers apply."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from associations.permissions import is_coordinator, may_coordinate
from booking.permissions import bookable_associations, may_book_for
from tupa import csvsafe
from venues.models import OpeningHours

from . import selectors, services
from .forms import ApplicationForm, PinForm, SeasonForm
from .models import Application, Season
from .problem import room_open_hours
from .wording import season_rules, weekday_name


def _require_coordinator(request, pk: int | None = None) -> None:
    """A coordinator; with a season's pk, one who coordinates that season's venue."""
    if pk is None:
        if not is_coordinator(request.user):
            raise PermissionDenied
        return
    venue_id = Season.objects.filter(pk=pk).values_list("venue_id", flat=True).first()
    if venue_id is None:
        raise Http404
    if not may_coordinate(request.user, venue_id):
        raise PermissionDenied


def _season(pk: int) -> Season:
    return get_object_or_404(selectors.seasons(), pk=pk)


def _show_errors(form, error: ValidationError) -> None:
    """A service's messages on the form: per field where the form has it, else on top."""
    for name, msgs in getattr(error, "message_dict", {"__all__": error.messages}).items():
        for message in msgs:
            form.add_error(name if name in form.fields else None, message)


def _room_facts(season: Season) -> list[dict]:
    """Each room with its capacity and weekly opening hours, to show beside the form."""
    rows = list(OpeningHours.objects.filter(venue_id=season.venue_id))
    facts = []
    for room in selectors.season_rooms(season):
        hours = room_open_hours(room, rows)
        facts.append(
            {
                "room": room,
                "hours": [
                    (
                        weekday_name(day),
                        ", ".join(f"{hhmm_minutes(o)}–{hhmm_minutes(c)}" for o, c in hours.get(day, ())),
                    )
                    for day in range(1, 8)
                ],
            }
        )
    return facts


def hhmm_minutes(minutes: int) -> str:
    minutes = min(minutes, 24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def season_list(request):
    return render(
        request, "seasons/season_list.html", {"seasons": selectors.seasons().order_by("-start", "pk")}
    )


def season_detail(request, pk: int):
    season = _season(pk)
    mine = list(selectors.applications_for(request.user, season)) if request.user.is_authenticated else []
    published = season.phase == Season.Phase.PUBLISHED
    texts = selectors.outcome_texts(season, mine) if published and mine else {}
    context = {
        "season": season,
        "rules": season_rules(season),
        "rooms": _room_facts(season),
        "applications": [
            (a, texts.get(a.pk, ""), selectors.outcome_of(a) if published else None) for a in mine
        ],
        "may_apply": request.user.is_authenticated
        and season.is_accepting()
        and bookable_associations(request.user).exists(),
        "is_coordinator": may_coordinate(request.user, season.venue_id),
        # The report names every association's hours: for coordinators, once there is a proposal.
        "report": selectors.report(season, mine)
        if may_coordinate(request.user, season.venue_id) and season.phase != Season.Phase.OPEN
        else None,
    }
    return render(request, "seasons/season_detail.html", context)


@login_required
def season_new(request):
    _require_coordinator(request)
    form = SeasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cap = data["weekly_cap_hours"]
        try:
            season = services.season_create(
                actor=request.user,
                name=data["name"],
                venue=data["venue"],
                rooms=list(data["rooms"]),
                start=data["start"],
                end=data["end"],
                applications_close=form.cleaned_close(),
                weekly_cap_minutes=int(cap * 60) if cap is not None else None,
                priority_audiences=data["priority_audiences"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The season is open for applications."))
            return redirect("seasons:detail", pk=season.pk)
    return render(request, "seasons/season_form.html", {"form": form})


def _application_form_page(request, season: Season, form, application=None):
    return render(
        request,
        "seasons/application_form.html",
        {"season": season, "form": form, "rooms": _room_facts(season), "application": application},
    )


@login_required
def application_new(request, pk: int):
    season = _season(pk)
    if not bookable_associations(request.user).exists():
        raise PermissionDenied
    form = ApplicationForm(request.POST or None, season=season, user=request.user)
    if not season.is_accepting():
        messages.error(request, _("Applications for this season are closed."))
        return redirect("seasons:detail", pk=season.pk)
    if request.method == "POST" and form.is_valid():
        wishes = _wishes_checked(form, season)
        if form.is_valid():
            try:
                services.application_submit(
                    actor=request.user,
                    season=season,
                    association=form.cleaned_data["association"],
                    **_application_fields(form.cleaned_data, wishes),
                )
            except ValidationError as error:
                _show_errors(form, error)
            else:
                messages.success(request, _("Thank you: your application is in."))
                return redirect("seasons:detail", pk=season.pk)
    return _application_form_page(request, season, form)


def _application_fields(data: dict, wishes: list) -> dict:
    """What the apply and change forms hand to the services alike."""
    return {
        "title": data["title"],
        "group_size": data["group_size"],
        "wishes": wishes,
        "is_public": data["public"],
        "description": data["description"],
        "audience": data["audience"],
    }


def _wishes_checked(form, season: Season) -> list:
    """The form's wishes; when a row is half filled, the others' rule errors are shown too."""
    wishes = form.wishes()
    if not form.is_valid():
        errors = services.wish_errors(season, wishes, form.cleaned_data.get("group_size") or 1)
        _show_errors(form, ValidationError(errors)) if errors else None
    return wishes


def _own_application(request, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("season__venue", "association").prefetch_related("wishes"), pk=pk
    )
    if not may_book_for(request.user, application.association, venue_id=application.season.venue_id):
        raise PermissionDenied
    return application


@login_required
def application_edit(request, pk: int):
    application = _own_application(request, pk)
    season = application.season
    if not season.is_accepting():
        messages.error(request, _("Applications for this season are closed."))
        return redirect("seasons:detail", pk=season.pk)
    form = ApplicationForm(
        request.POST or None,
        season=season,
        user=request.user,
        initial=ApplicationForm.initial_for(application),
    )
    form.fields["association"].disabled = True
    if request.method == "POST" and form.is_valid():
        wishes = _wishes_checked(form, season)
        if form.is_valid():
            try:
                services.application_update(
                    actor=request.user,
                    application=application,
                    **_application_fields(form.cleaned_data, wishes),
                )
            except ValidationError as error:
                _show_errors(form, error)
            else:
                messages.success(request, _("Your application is changed."))
                return redirect("seasons:detail", pk=season.pk)
    return _application_form_page(request, season, form, application)


@login_required
def application_withdraw(request, pk: int):
    application = _own_application(request, pk)
    season = application.season
    if request.method == "POST":
        try:
            services.application_withdraw(actor=request.user, application=application)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The application is withdrawn."))
        return redirect("seasons:detail", pk=season.pk)
    return render(
        request, "seasons/application_withdraw.html", {"application": application, "season": season}
    )


# --- the coordinator's allocation ---------------------------------------------------------


@login_required
def allocation_page(request, pk: int):
    _require_coordinator(request, pk)
    season = _season(pk)
    applications = selectors.all_applications(season)
    texts = selectors.outcome_texts(season, applications)
    rooms = selectors.season_rooms(season)
    rows = []
    for application in applications:
        outcome = selectors.outcome_of(application)
        pin = getattr(application, "pin", None)  # a missing reverse one-to-one is an AttributeError
        initial = {"application": application.pk}
        if pin is not None:
            initial.update(
                kind=pin.kind,
                wish=pin.wish,
                room=pin.room_id,
                weekday=pin.weekday,
                start=pin.start,
                end=pin.end,
            )
        form = PinForm(initial=initial, rooms=rooms, prefix=f"a{application.pk}")
        rows.append(
            {
                "application": application,
                "outcome": outcome,
                "text": texts.get(application.pk, ""),
                "pin": pin,
                "form": form,
            }
        )
    context = {
        "season": season,
        "rows": rows,
        "grid": selectors.grid(season, applications),
        "report": selectors.report(season, applications),
        "weekdays": [(n, weekday_name(n)) for n in range(1, 8)],
    }
    return render(request, "seasons/allocation.html", context)


@login_required
@require_POST
def allocate(request, pk: int):
    _require_coordinator(request, pk)
    season = _season(pk)
    try:
        proposal = services.season_allocate(actor=request.user, season=season)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if proposal.optimal:
            messages.success(request, _("The allocation is ready and proven the best possible."))
        else:
            messages.warning(
                request,
                _("The allocation is ready; the time ran out before it was proven the best possible."),
            )
    return redirect("seasons:allocation", pk=season.pk)


@login_required
@require_POST
def pin(request, pk: int, application_id: int):
    _require_coordinator(request, pk)
    season = _season(pk)
    application = get_object_or_404(
        Application.objects.prefetch_related("wishes"), pk=application_id, season=season
    )
    form = PinForm(request.POST, rooms=selectors.season_rooms(season), prefix=f"a{application.pk}")
    if not form.is_valid():
        messages.error(
            request,
            _("Check the decision: %(errors)s")
            % {"errors": " ".join(form.errors.get("__all__", [])) or _("a field is not valid.")},
        )
        return redirect("seasons:allocation", pk=season.pk)
    data = form.cleaned_data
    try:
        services.season_pin(
            actor=request.user,
            application=application,
            kind=data["kind"],
            wish=data["wish"],
            room=data["room"],
            weekday=data["weekday"],
            start=data["start"],
            end=data["end"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The decision is kept. Run the allocation again to see its effect."))
    return redirect("seasons:allocation", pk=season.pk)


@login_required
@require_POST
def publish(request, pk: int):
    _require_coordinator(request, pk)
    season = _season(pk)
    try:
        result = services.season_publish(actor=request.user, season=season)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if result.already:
            messages.info(request, _("The season was already published; nothing was booked twice."))
        else:
            messages.success(
                request,
                _("Published: %(n)d weekly series booked, and every association was sent its results.")
                % {"n": len(result.booked)},
            )
    return redirect("seasons:allocation", pk=season.pk)


@login_required
def report_csv(request, pk: int):
    _require_coordinator(request, pk)
    season = _season(pk)
    data = selectors.report(season, selectors.all_applications(season))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="season-{season.pk}-report.csv"'
    writer = csvsafe.writer(response)
    for row in selectors.report_rows(season, data):
        writer.writerow(row)
    return response
