"""Erasing personal data (GDPR) while the house keeps its history.

A person's account is deleted outright: their memberships, e-mail addresses, API token and
waitlist places go with it, while the bookings they made, the audit trail (actor set null)
and the statistics stay. An association is a row the bookings, co-hostings and statistics
point at, so it is kept under a neutral placeholder name with everything identifying cleared.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from associations import permissions
from associations.models import Association, Invitation, Membership
from audit.models import AuditEntry
from booking.models import Booking, CoHost, Status
from booking.services import booking_cancel
from desk.models import WaitlistEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Stored data, not interface text: the same in every language and stable once written, like
# any association name. Finnish, the house's language (LANGUAGE_CODE).
ERASED_ASSOCIATION_NAME = "Poistettu yhdistys {pk}"
ERASED_ASSOCIATION_SLUG = "removed-{pk}"
ERASED_USER = "[poistettu käyttäjä]"
PRIVATE_TITLE = "Yksityinen varaus"

# Audit entries whose message names a person (an invited address, a username).
MEMBERSHIP_ACTIONS = (
    "membership.invited",
    "membership.joined",
    "membership.removed",
    "membership.admin_transferred",
)


def erase_user_problems(user: User) -> list[str]:
    """Why the account cannot be erased yet; empty when it can.

    An association that would be left with members but no admin could no longer manage
    itself, so the admin role must be handed over first (associations.services.admin_transfer).
    """
    admin_of = Membership.objects.filter(user=user, role=Membership.Role.ADMIN).values("association")
    sole_admin_of = (
        # A filter on the same join would count the user's own membership only.
        Association.objects.filter(pk__in=admin_of)
        .annotate(
            admins=Count("memberships", filter=Q(memberships__role=Membership.Role.ADMIN), distinct=True),
            members=Count("memberships", distinct=True),
        )
        .filter(admins=1, members__gt=1)
        .order_by("name")
    )
    return [
        _(
            "%(user)s is the only admin of %(association)s, which has other members. "
            "Make another member its admin first."
        )
        % {"user": user.get_username(), "association": association.name}
        for association in sole_admin_of
    ]


def _identifiers(user: User) -> list[str]:
    emails = {user.email} | set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    return sorted({user.get_username(), *emails} - {""}, key=len, reverse=True)


def _pattern(identifiers: list[str]) -> re.Pattern[str]:
    # Whole names only: a short username must not eat into ordinary words ("li" in "cancelled").
    alternatives = "|".join(re.escape(i) for i in identifiers)
    return re.compile(rf"(?<![\w@.+-])(?:{alternatives})(?![\w@+-]|\.\w)", re.IGNORECASE)


def _scrub(value, pattern: re.Pattern[str]):
    if isinstance(value, str):
        return pattern.sub(ERASED_USER, value)
    if isinstance(value, list):
        return [_scrub(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, pattern) for k, v in value.items()}
    return value


def _scrub_audit(identifiers: list[str]) -> int:
    """Remove the names from free text: membership entries carry the username or invited address."""
    if not identifiers:
        return 0
    pattern = _pattern(identifiers)
    text = Q()
    for identifier in identifiers:
        text |= Q(message__icontains=identifier) | Q(data_text__icontains=identifier)
    entries = AuditEntry.objects.annotate(data_text=Cast("data", TextField())).filter(text)
    changed = 0
    for entry in entries:
        message, data = _scrub(entry.message, pattern), _scrub(entry.data, pattern)
        if (message, data) != (entry.message, entry.data):
            AuditEntry.objects.filter(pk=entry.pk).update(message=message, data=data)
            changed += 1
    return changed


def _scrub_admin_log(obj, object_repr: str) -> None:
    # The Django admin's history keeps str(obj) of every change: the username, the old name.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=str(obj.pk)
    ).update(object_repr=object_repr, change_message="")


@transaction.atomic
def erase_user(user: User, *, actor: User | None = None) -> dict[str, int]:
    """Delete the account and the personal data tied to it; the house's records stay.

    `actor` is the person themselves or a coordinator; None for the operator's command.
    Returns what was removed, for the command's and the admin's report.
    """
    # Another person's account spans every municipality: national coordinators only.
    if actor is not None and actor.pk != user.pk and not permissions.coordinates_all(actor):
        raise PermissionDenied
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    # Lock the user's associations' admin rows, so an admin leaving at the same time cannot
    # slip past the check below (as in associations.services, which locks them the same way).
    list(
        Membership.objects.select_for_update()
        .filter(association__memberships__user=user, role=Membership.Role.ADMIN)
        .values_list("pk", flat=True)
    )
    problems = erase_user_problems(user)
    if problems:
        raise ValidationError(problems)
    identifiers = _identifiers(user)
    user_pk = user.pk
    summary = {
        "memberships": Membership.objects.filter(user=user).count(),
        "email_addresses": EmailAddress.objects.filter(user=user).count(),
        # Invitations keep the invited address even after being accepted.
        "invitations": Invitation.objects.filter(
            Q(accepted_by=user) | Q(email__in=[i for i in identifiers if "@" in i])
        ).delete()[0],
        "waitlist_entries": WaitlistEntry.objects.filter(user=user).count(),
        "audit_entries_scrubbed": _scrub_audit(identifiers),
    }
    _scrub_admin_log(user, ERASED_USER)
    # Cascades: memberships, e-mail addresses, API token, waitlist places.
    # SET_NULL: the author of bookings, associations and audit entries.
    user.delete()
    AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk != user_pk else None,
        action="user.erased",
        data={"user": user_pk},
    )
    return summary


@transaction.atomic
def erase_association(association: Association, *, actor: User) -> dict[str, int]:
    """Keep the association's row for the bookings and statistics; erase what identifies it.

    Coordinators only: the erasure cancels the association's coming dates in the house's
    rooms, which is a coordinator's call, and an association's admin can already leave it.
    Its dates may lie in any municipality, so only a coordinator of everything erases it.
    """
    if not permissions.coordinates_all(actor):
        raise PermissionDenied
    association = Association.objects.select_for_update().get(pk=association.pk)
    if association.status == Association.Status.REMOVED:
        raise ValidationError(_("This association has already been erased."))
    bookings = Booking.objects.filter(association=association)
    # Free the rooms: every booking with dates still to come, through the booking service
    # so the audit trail and the waitlist see an ordinary cancellation.
    cancelled = 0
    coming = bookings.filter(
        occurrences__status__in=(Status.CONFIRMED, Status.PENDING), occurrences__end__gt=timezone.now()
    ).distinct()
    for booking in coming:
        cancelled += len(
            booking_cancel(actor=actor, booking=booking, reason=_("The association was removed."))
        )
    # Titles of public events are public record (they were in every feed); descriptions,
    # links and pictures may name or show contact persons, and private titles were never public.
    bookings.update(description="", remote_url="", image_url="", image_alt="")
    bookings.filter(is_public=False).update(title=PRIVATE_TITLE)
    # An invitation to co-host that nobody can answer any more: declined, so the host knows.
    CoHost.objects.filter(association=association, status=CoHost.Status.INVITED).update(
        status=CoHost.Status.DECLINED, responded_at=timezone.now(), responded_by=actor
    )
    WaitlistEntry.objects.filter(
        association=association, status__in=(WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED)
    ).update(status=WaitlistEntry.Status.CANCELLED, offer_expires_at=None)
    summary = {
        "memberships": association.memberships.all().delete()[0],
        "invitations": association.invitations.all().delete()[0],
        "dates_cancelled": cancelled,
    }
    AuditEntry.objects.filter(association=association, action__in=MEMBERSHIP_ACTIONS).update(message="")
    association.name = ERASED_ASSOCIATION_NAME.format(pk=association.pk)
    association.slug = ERASED_ASSOCIATION_SLUG.format(pk=association.pk)
    association.description = ""
    association.contact_email = ""
    association.website = ""
    association.business_id = ""
    association.decision_reason = ""
    association.created_by = None
    association.status = Association.Status.REMOVED
    association.save()
    _scrub_admin_log(association, association.name)
    AuditEntry.objects.create(actor=actor, action="association.erased", association=association, data=summary)
    return summary
