"""Pages that erase personal data: they reach into every app, so they live here."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from associations import permissions
from associations.forms import AccountDeleteForm, EraseAssociationForm
from associations.models import Association, Membership

from . import privacy


def _require_coordinator(request) -> None:
    # Erasing reaches every municipality's bookings: for those who coordinate everything.
    if not permissions.coordinates_all(request.user):
        raise PermissionDenied


def _first_message(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def account_delete(request):
    """The volunteer deletes their own account: GET explains, POST with the password erases."""
    # An empty POST is still a POST: the password's absence must show as an error.
    form = AccountDeleteForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.erase_user(request.user, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, _("Your account and your personal data have been deleted."))
            return redirect("home")
    context = {
        "form": form,
        "problems": privacy.erase_user_problems(request.user),
        "memberships": Membership.objects.filter(user=request.user).select_related("association"),
    }
    return render(request, "associations/account_delete.html", context, status=400 if form.errors else 200)


@login_required
def association_erase(request, slug: str):
    """A coordinator erases an association's identifying data; its history stays."""
    _require_coordinator(request)
    association = get_object_or_404(Association.objects.exclude(status=Association.Status.REMOVED), slug=slug)
    form = EraseAssociationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            summary = privacy.erase_association(association, actor=request.user)
        except ValidationError as error:
            messages.error(request, _first_message(error))
        else:
            dates = summary["dates_cancelled"]
            messages.success(
                request,
                ngettext(
                    "%(name)s was erased. %(dates)d coming date was cancelled.",
                    "%(name)s was erased. %(dates)d coming dates were cancelled.",
                    dates,
                )
                % {"name": association.name, "dates": dates},
            )
        return redirect("associations:pending")
    context = {"association": association, "form": form, "bookings": association.bookings.count()}
    return render(request, "associations/association_erase.html", context, status=400 if form.errors else 200)
