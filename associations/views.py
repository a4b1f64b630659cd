from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from desk.notices import notices_for

from . import permissions, services
from .forms import (
    ApproveForm,
    AssociationForm,
    InviteForm,
    RejectForm,
)
from .language import language_of
from .models import Association, Invitation, Membership

PAGE_SIZE = 20


def _get_visible_association(request, slug: str) -> Association:
    """Approved associations are public; a pending or rejected one only to its members and coordinators."""
    association = get_object_or_404(Association, slug=slug)
    if association.is_approved:
        return association
    if permissions.is_coordinator(request.user) or permissions.is_member_of(request.user, association):
        return association
    raise Http404


def _get_managed_association(request, slug: str) -> Association:
    association = get_object_or_404(Association, slug=slug)
    if not permissions.can_manage(request.user, association):
        raise PermissionDenied
    return association


def _require_coordinator(request) -> None:
    if not permissions.is_coordinator(request.user):
        raise PermissionDenied


def _first_message(error: ValidationError) -> str:
    return " ".join(error.messages)


def association_list(request):
    associations = Association.objects.filter(status=Association.Status.APPROVED)
    page = Paginator(associations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "associations/association_list.html", {"page": page})


def association_detail(request, slug: str):
    association = _get_visible_association(request, slug)
    context = {"association": association, "can_manage": permissions.can_manage(request.user, association)}
    return render(request, "associations/association_detail.html", context)


@login_required
def association_create(request):
    form = AssociationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            association = services.association_register(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Thank you! %(name)s waits for a coordinator's approval. We will e-mail you the decision.")
                % {"name": association.name},
            )
            return redirect("associations:my")
    status = 400 if form.errors else 200
    return render(request, "associations/association_form.html", {"form": form}, status=status)


def _render_pending(request, invalid_form: RejectForm | None = None):
    """The coordinator's queue; a reject form that failed validation keeps its errors."""
    pending = Association.objects.filter(status=Association.Status.PENDING).select_related("created_by")
    rows = []
    for association in pending.order_by("created_at"):
        prefix = f"a{association.pk}"
        form = invalid_form if invalid_form and invalid_form.prefix == prefix else RejectForm(prefix=prefix)
        rows.append((association, form))
    status = 400 if invalid_form else 200
    return render(request, "associations/pending_list.html", {"rows": rows}, status=status)


@login_required
def pending_list(request):
    _require_coordinator(request)
    return _render_pending(request)


def _get_pending(request, slug: str) -> Association:
    _require_coordinator(request)
    return get_object_or_404(Association, slug=slug)


@login_required
@require_POST
def association_approve(request, slug: str):
    association = _get_pending(request, slug)
    form = ApproveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.association_approve(actor=request.user, association=association, reason=reason)
    except ValidationError as error:
        messages.error(request, _first_message(error))
    else:
        messages.success(request, _("%(name)s is approved.") % {"name": association.name})
    return redirect("associations:pending")


@login_required
@require_POST
def association_reject(request, slug: str):
    association = _get_pending(request, slug)
    form = RejectForm(request.POST, prefix=f"a{association.pk}")
    if form.is_valid():
        try:
            services.association_reject(
                actor=request.user, association=association, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, _first_message(error))
        else:
            messages.success(request, _("%(name)s is rejected.") % {"name": association.name})
        return redirect("associations:pending")
    return _render_pending(request, invalid_form=form)


@login_required
def members(request, slug: str):
    association = _get_managed_association(request, slug)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.membership_invite(
                actor=request.user, association=association, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("associations:members", slug=association.slug)
    context = {
        "association": association,
        "memberships": association.memberships.select_related("user").order_by("role", "user__username"),
        "invitations": association.invitations.filter(accepted_at__isnull=True).select_related("invited_by"),
        "form": form,
    }
    return render(request, "associations/members.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def member_remove(request, slug: str, pk: int):
    association = get_object_or_404(Association, slug=slug)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk, association=association)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, _first_message(error))
    else:
        if membership.user_id == request.user.pk:
            messages.success(request, _("You have left %(name)s.") % {"name": association.name})
            return redirect("associations:my")
        messages.success(request, _("%(user)s was removed.") % {"user": membership.user})
    return redirect("associations:members", slug=association.slug)


@login_required
@require_POST
def member_make_admin(request, slug: str, pk: int):
    association = _get_managed_association(request, slug)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk, association=association)
    try:
        services.admin_transfer(actor=request.user, association=association, to_user=membership.user)
    except ValidationError as error:
        messages.error(request, _first_message(error))
        return redirect("associations:members", slug=association.slug)
    messages.success(request, _("%(user)s is now an admin.") % {"user": membership.user})
    if permissions.can_manage(request.user, association):
        return redirect("associations:members", slug=association.slug)
    return redirect("associations:my")


def invitation(request, token: str):
    invitation = get_object_or_404(Invitation.objects.select_related("association"), token=token)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{settings.LOGIN_URL}?next={request.path}")
        try:
            services.invitation_accept(user=request.user, token=token)
        except ValidationError as error:
            messages.error(request, _first_message(error))
        else:
            messages.success(request, _("Welcome to %(name)s!") % {"name": invitation.association.name})
            return redirect("associations:my")
        invitation.refresh_from_db()
    problem = None
    if invitation.accepted_at is not None:
        problem = _("This invitation has already been used.")
    elif not invitation.is_usable():
        problem = _("This invitation has expired. Ask the association's admin for a new one.")
    context = {"invitation": invitation, "problem": problem, "login_url": settings.LOGIN_URL}
    return render(request, "associations/invitation.html", context, status=410 if problem else 200)


@login_required
def my_page(request):
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("association")
        .order_by("association__name")
    )
    notices = notices_for(request.user)
    # The navigation's count too, from the same list: no second look-up on this page.
    context = {
        "memberships": memberships,
        "notices": notices,
        "notice_count": len(notices),
        "email_language": dict(settings.LANGUAGES)[language_of(request.user)],
    }
    return render(request, "associations/my.html", context)
