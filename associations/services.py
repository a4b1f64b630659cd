"""Writes on associations, their members and invitations.

Every function checks who acts, runs in one transaction, leaves an audit row and sends
its e-mails only after commit, so a rolled-back change never mails anyone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.services import audit

from . import emails, permissions
from .models import Association, Invitation, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "association"
    slug, n = base, 2
    while Association.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def association_register(
    *,
    user: User,
    name: str,
    contact_email: str,
    description: str = "",
    website: str = "",
    business_id: str = "",
    language: str = "",
) -> Association:
    """A signed-in user registers an association: pending, with the registrant as its admin."""
    if not user.is_authenticated:
        raise PermissionDenied
    association = Association(
        name=name,
        slug=_unique_slug(name),
        description=description,
        contact_email=contact_email,
        website=website,
        business_id=business_id,
        created_by=user,
        **({"language": language} if language else {}),
    )
    association.full_clean()
    association.save()
    Membership.objects.create(user=user, association=association, role=Membership.Role.ADMIN)
    audit(user, "association.registered", association=association)
    coordinator_emails = list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    transaction.on_commit(lambda: emails.send_registered(association, coordinator_emails), robust=True)
    return association


def _decide(*, actor, association: Association, status: str, reason: str) -> Association:
    if not permissions.is_coordinator(actor):
        raise PermissionDenied
    # Lock the row so two coordinators deciding at once cannot both send a decision.
    association = Association.objects.select_for_update().get(pk=association.pk)
    if association.status != Association.Status.PENDING:
        raise ValidationError(_("This association has already been decided on."))
    association.status = status
    association.decision_reason = reason
    association.decided_by = actor
    association.decided_at = timezone.now()
    association.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    audit(actor, f"association.{status}", association=association, message=reason)
    transaction.on_commit(lambda: emails.send_decision(association), robust=True)
    return association


@transaction.atomic
def association_approve(*, actor: User, association: Association, reason: str = "") -> Association:
    association = _decide(
        actor=actor, association=association, status=Association.Status.APPROVED, reason=reason.strip()
    )
    # The registrant leads the association; make sure it has an admin even if the row was lost.
    if association.created_by_id and not association.memberships.filter(role=Membership.Role.ADMIN).exists():
        Membership.objects.update_or_create(
            user_id=association.created_by_id,
            association=association,
            defaults={"role": Membership.Role.ADMIN},
        )
    return association


@transaction.atomic
def association_reject(*, actor: User, association: Association, reason: str) -> Association:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the registrant why the association is not approved.")})
    return _decide(actor=actor, association=association, status=Association.Status.REJECTED, reason=reason)


@transaction.atomic
def membership_invite(
    *, actor: User, association: Association, email: str, role: str = Membership.Role.MEMBER
) -> Invitation:
    if not permissions.can_manage(actor, association):
        raise PermissionDenied
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    email = email.strip()
    if association.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("A member of the association already uses this e-mail address.")})
    # A new invitation replaces an open one: the old link stops working, the new one gets a fresh expiry.
    Invitation.objects.filter(association=association, email__iexact=email, accepted_at__isnull=True).delete()
    invitation = Invitation.objects.create(association=association, email=email, role=role, invited_by=actor)
    audit(actor, "membership.invited", association=association, message=email, role=role)
    transaction.on_commit(lambda: emails.send_invitation(invitation), robust=True)
    return invitation


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Membership:
    """Any signed-in account may accept: people often sign up with another address than the invited one."""
    if not user.is_authenticated:
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().select_related("association").get(token=token)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    if not invitation.is_usable():
        raise ValidationError(_("This invitation has expired. Ask the association's admin for a new one."))
    membership, created = Membership.objects.get_or_create(
        user=user, association=invitation.association, defaults={"role": invitation.role}
    )
    if not created and invitation.role == Membership.Role.ADMIN and membership.role != Membership.Role.ADMIN:
        membership.role = Membership.Role.ADMIN
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit(
        user,
        "membership.joined",
        association=invitation.association,
        message=invitation.email,
        role=membership.role,
    )
    return membership


def _lock_admins(association: Association) -> list[int]:
    # Locking the admin rows serialises concurrent removals, so two admins removing each
    # other at once cannot leave the association without one.
    return list(
        Membership.objects.select_for_update()
        .filter(association=association, role=Membership.Role.ADMIN)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    """Admins and coordinators remove members; anyone may leave on their own."""
    association = membership.association
    if not (permissions.can_manage(actor, association) or membership.user_id == actor.pk):
        raise PermissionDenied
    admins = _lock_admins(association)
    if membership.pk in admins and len(admins) == 1:
        raise ValidationError(
            _("An association must keep at least one admin. Hand the admin role to another member first.")
        )
    username = str(membership.user)
    membership.delete()
    audit(actor, "membership.removed", association=association, message=username)


@transaction.atomic
def admin_transfer(*, actor: User, association: Association, to_user: User) -> Membership:
    """Make another member the admin; an admin who hands the role over becomes a member."""
    if not permissions.can_manage(actor, association):
        raise PermissionDenied
    _lock_admins(association)
    try:
        target = Membership.objects.select_for_update().get(association=association, user=to_user)
    except Membership.DoesNotExist:
        raise ValidationError(_("Only a member of the association can become its admin.")) from None
    if target.role != Membership.Role.ADMIN:
        target.role = Membership.Role.ADMIN
        target.save(update_fields=["role"])
    # The target is admin now, so demoting the actor never leaves the association without one.
    Membership.objects.filter(association=association, user=actor, role=Membership.Role.ADMIN).exclude(
        pk=target.pk
    ).update(role=Membership.Role.MEMBER)
    audit(actor, "membership.admin_transferred", association=association, message=str(to_user))
    return target


def profile_set_language(*, user: User, language: str) -> None:
    """Remember the language a person chose; their e-mails are written in it from now on."""
    from .language import LANGUAGE_CODES
    from .models import Profile

    if not user.is_authenticated or language not in LANGUAGE_CODES:
        return
    Profile.objects.update_or_create(user=user, defaults={"language": language})
