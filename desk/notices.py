"""What waits for a person: the one selector behind the navigation's count and My page's list.

Co-host invitations their associations have not answered (admins answer), proposals of
another time waiting for their association (members answer), a coordinator's decisions on
their associations' requests in the last fortnight, and waitlist offers still open to them.
Four queries for the list, however much waits; one for the count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet, Value
from django.urls import reverse
from django.utils import timezone

from associations.models import Association, Membership
from audit.models import AuditEntry
from booking.models import CoHost

from .models import Proposal, WaitlistEntry

DECISIONS_SHOWN_FOR = timedelta(days=14)
DECISION_ACTIONS = ("booking.approved", "booking.declined")


@dataclass(frozen=True)
class Notice:
    kind: str  # "cohost_invitation", "proposal", "decision" or "waitlist_offer"
    title: str
    association: str
    url: str
    when: datetime  # invited, proposed or decided at; for an offer, its deadline
    outcome: str = ""  # a decision's: "approved" or "declined"


def _cohost_invitations(user, now: datetime) -> QuerySet:
    return CoHost.objects.filter(
        status=CoHost.Status.INVITED,
        association__memberships__user=user,
        association__memberships__role=Membership.Role.ADMIN,
        booking__end__gt=now - timedelta(days=1),
        booking__occurrences__end__gt=now,
    ).distinct()


def _proposals(user, now: datetime) -> QuerySet:
    return Proposal.objects.filter(
        status=Proposal.Status.PROPOSED,
        booking__association__memberships__user=user,
        booking__association__status=Association.Status.APPROVED,
    ).distinct()


def _decisions(user, now: datetime) -> QuerySet:
    return AuditEntry.objects.filter(
        action__in=DECISION_ACTIONS,
        booking__isnull=False,
        association__memberships__user=user,
        created_at__gte=now - DECISIONS_SHOWN_FOR,
    ).distinct()


def _offers(user, now: datetime) -> QuerySet:
    return WaitlistEntry.objects.filter(
        user=user, status=WaitlistEntry.Status.OFFERED, offer_expires_at__gt=now
    )


def notice_count(user, *, now: datetime | None = None) -> int:
    if not user.is_authenticated:
        return 0
    now = now or timezone.now()
    # One query on every page: a UNION of (kind, id) pairs, counted by the database.
    parts = [
        q(user, now).order_by().annotate(kind=Value(kind)).values_list("kind", "pk")
        for kind, q in (
            ("c", _cohost_invitations),
            ("p", _proposals),
            ("d", _decisions),
            ("w", _offers),
        )
    ]
    return parts[0].union(*parts[1:]).count()


def notices_for(user, *, now: datetime | None = None, limit: int = 50) -> list[Notice]:
    """Everything waiting for `user`, deadlines first, then the newest."""
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    found: list[Notice] = []
    for c in _cohost_invitations(user, now).select_related("booking__association", "association")[:limit]:
        found.append(
            Notice(
                "cohost_invitation",
                c.booking.title,
                c.association.name,
                c.booking.get_absolute_url(),
                c.invited_at,
            )
        )
    for p in _proposals(user, now).select_related("booking__association")[:limit]:
        found.append(
            Notice(
                "proposal", p.booking.title, p.booking.association.name, p.get_absolute_url(), p.created_at
            )
        )
    for a in _decisions(user, now).select_related("booking", "association").order_by("-created_at")[:limit]:
        found.append(
            Notice(
                "decision",
                a.booking.title,
                a.association.name if a.association else "",
                a.booking.get_absolute_url(),
                a.created_at,
                outcome=a.action.removeprefix("booking."),
            )
        )
    for w in _offers(user, now).select_related("association")[:limit]:
        found.append(
            Notice(
                "waitlist_offer", w.title, w.association.name, reverse("desk:waitlist"), w.offer_expires_at
            )
        )
    # Offers run out: they come first, soonest deadline first; the rest newest first.
    offers = sorted((n for n in found if n.kind == "waitlist_offer"), key=lambda n: n.when)
    others = sorted((n for n in found if n.kind != "waitlist_offer"), key=lambda n: n.when, reverse=True)
    return (offers + others)[:limit]
