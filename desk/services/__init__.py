"""Decisions of the coordinator desk. Each takes the acting user, runs in one transaction,
lands in the audit trail and notifies the associations after the commit.

Conflict logic is not repeated here: approving, declining, cancelling and booking go
through booking.services, whose room lock and PostgreSQL exclusion constraint are the
guarantee that a room never gets two overlapping confirmed dates.

One module per subject: decisions (approving, and the requests it beats), proposals,
closures, waitlist. Import from here (`from desk.services import closure_create`) or
from the module.
"""

from .closures import ClosureResult, closure_create, closure_hits
from .common import lock_skipping_locked, require_coordinator
from .decisions import (
    ALTERNATIVE_REACH,
    ALTERNATIVE_STEP,
    Others,
    booking_approve_resolving,
    nearest_alternative,
    rivals_of,
)
from .proposals import (
    may_answer,
    moved_slots,
    proposal_accept,
    proposal_create,
    proposal_decline,
    proposal_targets,
)
from .waitlist import (
    OFFER_HOURS,
    expire_offers,
    offer_freed_slots,
    waitlist_accept,
    waitlist_cancel,
    waitlist_join,
)

__all__ = [
    "ALTERNATIVE_REACH",
    "ALTERNATIVE_STEP",
    "OFFER_HOURS",
    "ClosureResult",
    "Others",
    "booking_approve_resolving",
    "closure_create",
    "closure_hits",
    "expire_offers",
    "lock_skipping_locked",
    "may_answer",
    "moved_slots",
    "nearest_alternative",
    "offer_freed_slots",
    "proposal_accept",
    "proposal_create",
    "proposal_decline",
    "proposal_targets",
    "require_coordinator",
    "rivals_of",
    "waitlist_accept",
    "waitlist_cancel",
    "waitlist_join",
]
