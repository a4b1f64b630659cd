"""Who a person is to an association: coordinator, admin, member; and who manages it.

Questions about bookings (may book for, may manage, may cancel a series...) are answered
in booking/permissions.py from these facts: this app sits below booking and cannot see one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.models import AnonymousUser

# Who coordinates which venues is decided in venues/permissions.py (a coordinator may be
# scoped to a municipality or one venue); these names are re-exported for the apps above.
from venues.permissions import coordinates_all as coordinates_all
from venues.permissions import is_coordinator as is_coordinator
from venues.permissions import may_coordinate as may_coordinate

from .models import Association, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

# Whoever asks: a signed-in account (the project uses Django's own user model) or nobody.
User: TypeAlias = "AuthUser | AnonymousUser"


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


def can_manage(user: User, association: Association) -> bool:
    """Edit the association, its members and invitations.

    Any coordinator, scoped or not: associations are not bound to a venue (they book in
    every municipality), so approving or editing one is installation-wide work.
    """
    return is_coordinator(user) or is_admin_of(user, association)
