from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from associations.permissions import is_coordinator
from booking import permissions
from booking.models import Booking, Occurrence, Status
from booking.rules import fmt
from booking.services import BookingConflict, booking_decline

from . import selectors, services
from .forms import (
    AnswerForm,
    ApproveForm,
    AuditFilterForm,
    ClosureForm,
    ConflictApproveForm,
    DeclineForm,
    ProposalForm,
    WaitlistJoinForm,
)
from .models import Proposal, WaitlistEntry

PAGE_SIZE = 20
AUDIT_PAGE_SIZE = 50


def _require_coordinator(request) -> None:
    if not is_coordinator(request.user):
        raise PermissionDenied


def _require_coordinator_of(request, booking: Booking) -> None:
    # A coordinator scoped to one municipality is refused another's bookings.
    if not permissions.coordinates_booking(request.user, booking):
        raise PermissionDenied


def _conflict_message(error: BookingConflict, tz) -> str:
    dates = ", ".join(sorted({fmt(c.start, tz) for c in error.conflicts}))
    return _("This overlaps a confirmed booking (%(dates)s); nothing was changed.") % {"dates": dates}


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- the inbox ----------------------------------------------------------------------


@login_required
def inbox(request):
    _require_coordinator(request)
    user = request.user
    page = Paginator(selectors.pending_bookings(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    conflict_sets = selectors.competing_requests(user=user)
    for conflict_set in conflict_sets:
        for competitor in conflict_set.competitors:
            # A prefix per request keeps the radio buttons' ids unique on the page.
            competitor.form = ConflictApproveForm(prefix=f"c{competitor.occurrence.pk}")
    context = {
        "conflict_sets": conflict_sets,
        "page": page,
        "pending_associations": selectors.pending_association_count(),
        "stuck_cohosts": selectors.stuck_cohost_invitations(user=user),
        "proposals": selectors.open_proposals(user=user),
        "stuck_days": selectors.STUCK_COHOST_DAYS,
    }
    return render(request, "desk/inbox.html", context)


@login_required
@require_POST
def conflict_approve(request, pk: int):
    """Approve one request of a conflict set; the rivals are declined or offered another slot."""
    _require_coordinator(request)
    occurrence = get_object_or_404(Occurrence.objects.select_related("booking__room", "room__venue"), pk=pk)
    _require_coordinator_of(request, occurrence.booking)
    form = ConflictApproveForm(request.POST, prefix=f"c{pk}")
    if not form.is_valid():
        messages.error(request, _("Choose what happens to the competing requests."))
        return redirect("desk:inbox")
    try:
        approved, declined, proposals = services.booking_approve_resolving(
            actor=request.user,
            booking=occurrence.booking,
            occurrence_ids=[occurrence.pk],
            message=form.cleaned_data["message"],
            others=form.cleaned_data["others"],
            others_message=form.cleaned_data["others_message"],
            whole_series=form.cleaned_data["scope"] != "date",
        )
    except BookingConflict as error:
        messages.error(request, _conflict_message(error, occurrence.room.venue.tz))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _(
                "%(title)s approved; %(declined)d competing date(s) declined, "
                "%(proposed)d offered another time."
            )
            % {"title": occurrence.booking.title, "declined": len(declined), "proposed": len(proposals)},
        )
    return redirect("desk:inbox")


# --- one booking's decisions --------------------------------------------------------


def _decision_page(request, booking: Booking, *, approve=None, decline=None, propose=None, status=200):
    context = {
        "booking": booking,
        "tz": booking.room.venue.time_zone if booking.room_id else None,
        "approve_form": approve or ApproveForm(booking=booking, prefix="approve"),
        "decline_form": decline or DeclineForm(booking=booking, prefix="decline"),
        "propose_form": propose
        or ProposalForm(
            booking=booking, prefix="propose", initial={"room": booking.room_id}, user=request.user
        ),
        "proposals": booking.proposals.select_related("room__venue", "created_by").order_by("-created_at")[
            :10
        ],
        "has_pending": any(o.status == Status.PENDING for o in booking.occurrences.all()),
    }
    return render(request, "desk/booking.html", context, status=status)


def _get_booking(request, pk: int) -> Booking:
    # No prefetched dates here: the booking services lock booking.occurrences, and a
    # prefetched queryset's outer joins cannot be locked on PostgreSQL.
    _require_coordinator(request)
    booking = get_object_or_404(Booking.objects.select_related("association", "room__venue"), pk=pk)
    _require_coordinator_of(request, booking)
    return booking


@login_required
def booking_detail(request, pk: int):
    _require_coordinator(request)
    try:
        booking = selectors.booking_for_decision(pk)
    except Booking.DoesNotExist:
        raise Http404 from None
    _require_coordinator_of(request, booking)
    return _decision_page(request, booking)


@login_required
@require_POST
def booking_approve(request, pk: int):
    booking = _get_booking(request, pk)
    form = ApproveForm(request.POST, booking=booking, prefix="approve")
    if form.is_valid():
        try:
            approved, declined, proposals = services.booking_approve_resolving(
                actor=request.user,
                booking=booking,
                occurrence_ids=[o.pk for o in form.cleaned_data["occurrences"]],
                message=form.cleaned_data["message"],
                others=form.cleaned_data["others"],
                others_message=form.cleaned_data["others_message"],
            )
        except BookingConflict as error:
            form.add_error("occurrences", _conflict_message(error, booking.room.venue.tz))
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(
                request,
                _(
                    "%(n)d date(s) approved; %(declined)d competing date(s) declined, "
                    "%(proposed)d offered another time."
                )
                % {"n": len(approved), "declined": len(declined), "proposed": len(proposals)},
            )
            return redirect("desk:inbox")
    return _decision_page(request, booking, approve=form, status=400)


@login_required
@require_POST
def booking_decline_view(request, pk: int):
    booking = _get_booking(request, pk)
    form = DeclineForm(request.POST, booking=booking, prefix="decline")
    if form.is_valid():
        try:
            declined = booking_decline(
                actor=request.user,
                booking=booking,
                reason=form.cleaned_data["reason"],
                occurrence_ids=[o.pk for o in form.cleaned_data["occurrences"]],
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("%(n)d date(s) declined.") % {"n": len(declined)})
            return redirect("desk:inbox")
    return _decision_page(request, booking, decline=form, status=400)


@login_required
@require_POST
def proposal_new(request, pk: int):
    booking = _get_booking(request, pk)
    form = ProposalForm(request.POST, booking=booking, prefix="propose", user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.proposal_create(
                actor=request.user,
                booking=booking,
                occurrences=list(data["occurrences"]),
                room=data["room"],
                start=data["start"],
                end=data["end"],
                message=data["message"],
            )
        except BookingConflict as error:
            form.add_error("start", _conflict_message(error, data["room"].venue.tz))
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("The proposal was sent to %(name)s.") % {"name": booking.association})
            return redirect("desk:inbox")
    return _decision_page(request, booking, propose=form, status=400)


# --- the association answers a proposal ----------------------------------------------


def _get_proposal(request, pk: int) -> Proposal:
    proposal = get_object_or_404(
        Proposal.objects.select_related("booking__association", "booking__room__venue", "room__venue"), pk=pk
    )
    # Every member sees what was proposed; may_answer (admin or the booking's maker) answers.
    if not permissions.may_view(request.user, proposal.booking):
        raise PermissionDenied
    return proposal


@login_required
def proposal_detail(request, pk: int, status: int = 200):
    proposal = _get_proposal(request, pk)
    targets = services.proposal_targets(proposal) if proposal.status == Proposal.Status.PROPOSED else []
    moves = []
    if targets:
        slots = services.moved_slots(targets, proposal.room, proposal.start, proposal.end)
        moves = list(zip(targets, slots, strict=True))
    context = {
        "proposal": proposal,
        "moves": moves,
        "may_answer": services.may_answer(request.user, proposal),
        "tz": proposal.room.venue.time_zone,
        "form": AnswerForm(),
    }
    return render(request, "desk/proposal.html", context, status=status)


@login_required
@require_POST
def proposal_accept(request, pk: int):
    proposal = _get_proposal(request, pk)
    try:
        services.proposal_accept(actor=request.user, proposal=proposal)
    except BookingConflict as error:
        messages.error(request, _conflict_message(error, proposal.room.venue.tz))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Thank you! The new time is confirmed."))
    return redirect("desk:proposal", pk=proposal.pk)


@login_required
@require_POST
def proposal_decline(request, pk: int):
    proposal = _get_proposal(request, pk)
    form = AnswerForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        services.proposal_decline(actor=request.user, proposal=proposal, message=message)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("You declined the proposal; the coordinator will be in touch."))
    return redirect("desk:proposal", pk=proposal.pk)


# --- closures -----------------------------------------------------------------------


@login_required
def closure_new(request):
    """Two steps: the form shows what the closure would hit; a second POST confirms it."""
    _require_coordinator(request)
    form = ClosureForm(request.POST or None, user=request.user)
    hits = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "confirm" in request.POST:
            try:
                result = services.closure_create(actor=request.user, **data)
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(
                    request,
                    _("Closure saved: %(cancelled)d date(s) cancelled, %(declined)d request(s) declined.")
                    % {"cancelled": len(result.cancelled), "declined": len(result.declined)},
                )
                return redirect("desk:inbox")
        else:
            hits = services.closure_hits(
                venue=data["venue"], room=data["room"], start=data["start"], end=data["end"]
            )
    context = {
        "form": form,
        "hits": hits,
        "tz": form.cleaned_data["venue"].time_zone if hits is not None else None,
    }
    return render(request, "desk/closure_form.html", context, status=400 if form.errors else 200)


# --- the audit trail ----------------------------------------------------------------


@login_required
def audit_list(request):
    _require_coordinator(request)
    form = AuditFilterForm(request.GET or None, actions=selectors.audit_actions())
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    page = Paginator(selectors.audit_entries(**filters, user=request.user), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "desk/audit_list.html", context, status=400 if form.errors else 200)


# --- the waitlist -------------------------------------------------------------------


@login_required
def waitlist_mine(request):
    entries = Paginator(selectors.waitlist_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "desk/waitlist.html", {"page": entries})


@login_required
def waitlist_join(request):
    form = WaitlistJoinForm(request.POST or None, user=request.user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        try:
            services.waitlist_join(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _error_text(error) if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, _("You are on the waitlist. We will e-mail you if the time frees."))
            return redirect("desk:waitlist")
    return render(request, "desk/waitlist_join.html", {"form": form}, status=400 if form.errors else 200)


def _get_entry(request, pk: int) -> WaitlistEntry:
    entry = get_object_or_404(WaitlistEntry.objects.select_related("association"), pk=pk)
    if entry.user_id != request.user.pk:
        raise Http404
    return entry


@login_required
@require_POST
def waitlist_accept(request, pk: int):
    entry = _get_entry(request, pk)
    try:
        booking = services.waitlist_accept(actor=request.user, entry=entry)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if booking is None:
            messages.error(request, _("Sorry, someone booked this time in the meantime."))
        else:
            messages.success(request, _("Booked: %(title)s.") % {"title": booking.title})
    return redirect("desk:waitlist")


@login_required
@require_POST
def waitlist_cancel(request, pk: int):
    entry = _get_entry(request, pk)
    try:
        services.waitlist_cancel(actor=request.user, entry=entry)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("You left the waitlist."))
    return redirect("desk:waitlist")
