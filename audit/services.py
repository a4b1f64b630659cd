"""The one way to write the audit trail."""

from __future__ import annotations

from typing import Any

from .models import AuditEntry


def audit(
    actor, action: str, *, booking=None, association=None, message: str = "", **data: Any
) -> AuditEntry:
    """Record an action; an anonymous or missing actor is stored as none (system jobs, sign-ups).

    The association defaults to the booking's, so the association's history lists it.
    """
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        booking=booking,
        association=association or (booking.association if booking is not None else None),
        message=message,
        data=data,
    )
