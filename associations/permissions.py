"""Who may do what with an association. Every write path calls these."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .models import Association, Membership

User = AbstractBaseUser | AnonymousUser


def is_coordinator(user: User) -> bool:
    # Coordinators are municipal staff; they also use the Django admin for structural set-up.
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def role_in(user: User, association: Association) -> str | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, association=association).values_list("role", flat=True).first()
    )


def is_admin_of(user: User, association: Association) -> bool:
    return role_in(user, association) == Membership.Role.ADMIN


def is_member_of(user: User, association: Association) -> bool:
    return role_in(user, association) is not None


def can_book_for(user: User, association: Association) -> bool:
    """Admins and members of an approved association book for it; coordinators for any but an erased one."""
    if association.status == Association.Status.REMOVED:
        return False
    if is_coordinator(user):
        return True
    return association.is_approved and is_member_of(user, association)


def can_manage(user: User, association: Association) -> bool:
    """Edit the association, its members and invitations."""
    return is_coordinator(user) or is_admin_of(user, association)


def bookable_associations(user: User):
    if not user.is_authenticated:
        return Association.objects.none()
    if is_coordinator(user):
        return Association.objects.filter(status=Association.Status.APPROVED)
    return Association.objects.filter(status=Association.Status.APPROVED, memberships__user=user)
