"""What each audit action means, in words: the audit trail shows these, not the raw codes.

An action missing here (added later elsewhere) shows its code, so nothing is hidden.
"""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "association.registered": _("Association registered"),
    "association.approved": _("Association approved"),
    "association.rejected": _("Association not approved"),
    "association.erased": _("Association's data erased"),
    "booking.created": _("Booking made"),
    "booking.updated": _("Booking changed"),
    "booking.details_updated": _("Event details changed"),
    "booking.approved": _("Booking approved"),
    "booking.declined": _("Booking not approved"),
    "booking.cancelled": _("Booking cancelled"),
    "occurrence.moved": _("Date moved"),
    "occurrence.attendance": _("Participants recorded"),
    "cohost.invited": _("Co-host invited"),
    "cohost.accepted": _("Co-host accepted"),
    "cohost.declined": _("Co-host declined"),
    "proposal.created": _("New time proposed"),
    "proposal.accepted": _("Proposal accepted"),
    "proposal.declined": _("Proposal declined"),
    "closure.created": _("Closure added"),
    "membership.invited": _("Member invited"),
    "membership.joined": _("Member joined"),
    "membership.removed": _("Member removed"),
    "membership.admin_transferred": _("Admin role handed over"),
    "user.erased": _("User's data erased"),
    "waitlist.joined": _("Joined the waitlist"),
    "waitlist.offered": _("Waitlist offer made"),
    "waitlist.accepted": _("Waitlist offer accepted"),
    "waitlist.taken": _("Waitlist slot taken by another"),
    "waitlist.offer_expired": _("Waitlist offer expired"),
    "waitlist.cancelled": _("Left the waitlist"),
    "email_failed": _("An e-mail could not be sent"),
}


def action_label(action: str) -> str:
    return str(LABELS.get(action, action))
