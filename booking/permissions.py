"""Who may do what to a booking: one predicate per question, used by the web views, the
API, the services and (through `booking_access`) the templates alike.

Why here and not in associations/permissions.py: the questions are about bookings and
their co-hosts, and `associations` sits below `booking` in the dependency order
(venues → associations → booking → desk → stats), so it cannot see a Booking. That module
keeps the facts about a person and an association (coordinator? which role?); this one
answers the questions about a booking from those facts.

The roles, decided once (issue 13) and tested in tests/security/test_booking_roles.py:

| question                              | coordinator | host admin | host member | co-host member |
|---------------------------------------|-------------|------------|-------------|----------------|
| book for the association              | yes [1]     | yes [2]    | yes [2]     | —              |
| view the booking's own page           | yes         | yes        | yes         | yes [3]        |
| manage: move or cancel one date, edit | yes [1]     | yes [2]    | yes [2]     | no             |
| edit the event's public details       | yes [1]     | yes [2]    | yes [2]     | once accepted  |
| cancel many dates (series, from a day)| yes [1]     | yes [2]    | own [4]     | no             |
| invite co-hosts                       | yes [1]     | yes [2]    | own [4]     | no             |
| accept a coordinator's proposal       | yes [1]     | yes [2]    | own [4]     | no             |
| answer a co-host invitation           | yes         | —          | —           | its admin only |
| record attendance                     | yes         | yes [5]    | yes [5]     | once accepted  |

[1] not for an association that was removed (erased): its bookings are history. And only
    a coordinator of the booking's venue (venues/permissions.py: a coordinator scoped to
    one municipality has none of these powers over another's bookings; an off-site booking
    is for those who coordinate everything).
[2] while the association is approved.
[3] invited, accepted or declined alike.
[4] only bookings the member made themselves.
[5] unless the association was removed (approval is not asked: a count is history).

"Own bookings": a plain member runs the bookings they made themselves; only an admin
speaks for the association on the rest (ending someone else's series, inviting other
associations in its name, agreeing to a coordinator's new time). Cancelling one date —
also a one-date booking as a whole — stays open to every member, as before.

Every predicate takes the user and the objects a view has already loaded, and an optional
`roles` mapping (association id → role, from `roles_of`) so that a page asking several
questions reads the user's memberships once. They read `booking.association` and
`booking.cohosts.all()`: select_related / prefetch them (views and API do).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from associations.models import Association, Membership
from associations.permissions import User, coordinates_all, is_coordinator, may_coordinate

from .models import Booking, CoHost

Roles = Mapping[int, str]

# What the admin-or-booker questions answer when the answer is no.
ADMIN_OR_BOOKER_ONLY = _("Only the association's admin, or whoever made the booking, may do this.")


def roles_of(user: User) -> dict[int, str]:
    """The user's role in each association they belong to. One query."""
    if not user.is_authenticated:
        return {}
    return dict(Membership.objects.filter(user=user).values_list("association_id", "role"))


def _roles(user: User, roles: Roles | None) -> Roles:
    return roles_of(user) if roles is None else roles


# may_book_for's venue when the question is "for some room" (a form listing associations).
ANY_VENUE = object()


def booking_venue_id(booking: Booking) -> int | None:
    """The venue whose coordinators decide on the booking; None when it is held off-site."""
    room = booking.room  # no query when the booking has no room
    return room.venue_id if room is not None else None


def coordinates_booking(user: User, booking: Booking) -> bool:
    """A coordinator of the booking's venue. Reads booking.room only for a scoped coordinator."""
    if not is_coordinator(user):
        return False
    return coordinates_all(user) or may_coordinate(user, booking_venue_id(booking))


def _coordinates_venue(user: User, venue_id) -> bool:
    if not is_coordinator(user):
        return False
    return venue_id is ANY_VENUE or may_coordinate(user, venue_id)


def may_book_for(
    user: User, association: Association, *, roles: Roles | None = None, venue_id=ANY_VENUE
) -> bool:
    """Admins and members of an approved association book for it; coordinators for any but an
    erased one, in the venues they coordinate (venue_id: the room's venue, None off-site)."""
    if association.status == Association.Status.REMOVED:
        return False
    if _coordinates_venue(user, venue_id):
        return True
    return association.is_approved and association.pk in _roles(user, roles)


def bookable_associations(user: User) -> QuerySet[Association]:
    """The associations may_book_for says yes to, as a queryset for forms (approved ones only)."""
    if not user.is_authenticated:
        return Association.objects.none()
    if is_coordinator(user):
        return Association.objects.filter(status=Association.Status.APPROVED)
    return Association.objects.filter(status=Association.Status.APPROVED, memberships__user=user)


def may_view(user: User, booking: Booking, *, roles: Roles | None = None) -> bool:
    """The booking's own page, private or not: its venue's coordinators, the host's and co-hosts' members."""
    if coordinates_booking(user, booking):
        return True
    mine = _roles(user, roles)
    return booking.association_id in mine or any(c.association_id in mine for c in booking.cohosts.all())


def may_read(user: User, booking: Booking, *, roles: Roles | None = None) -> bool:
    """The booking through the API: anyone signed in when it is public, else as may_view."""
    return booking.is_public or may_view(user, booking, roles=roles)


def may_manage(user: User, booking: Booking, *, roles: Roles | None = None) -> bool:
    """Move or cancel one date, edit the booking: whoever may book for its association there."""
    association = booking.association
    if association.status == Association.Status.REMOVED:
        return False
    if coordinates_booking(user, booking):
        return True
    return association.is_approved and association.pk in _roles(user, roles)


def _runs(user: User, booking: Booking, roles: Roles | None) -> bool:
    # A coordinator of its venue, an admin of the host, or the member who made this booking.
    roles = _roles(user, roles)
    if not may_manage(user, booking, roles=roles):
        return False
    if coordinates_booking(user, booking) or roles.get(booking.association_id) == Membership.Role.ADMIN:
        return True
    return booking.created_by_id is not None and booking.created_by_id == user.pk


def may_cancel_series(user: User, booking: Booking, *, roles: Roles | None = None) -> bool:
    """Cancel more than one date at once (the whole series, or a date and all after it)."""
    return _runs(user, booking, roles)


def may_invite_cohosts(user: User, booking: Booking, *, roles: Roles | None = None) -> bool:
    """Ask other associations to host the event in this association's name."""
    return _runs(user, booking, roles)


def may_accept_proposal(user: User, booking: Booking, *, roles: Roles | None = None) -> bool:
    """Agree to (or turn down) a coordinator's other time or room for the booking's dates."""
    return _runs(user, booking, roles)


def may_edit_details(user: User, booking: Booking, *, roles: Roles | None = None) -> bool:
    """The event's public face: the host's bookers, and members of a co-host that accepted."""
    roles = _roles(user, roles)
    if may_manage(user, booking, roles=roles):
        return True
    # Coordinators were answered by may_manage (for this venue); here only the members count.
    return any(
        c.status == CoHost.Status.ACCEPTED and c.association.is_approved and c.association_id in roles
        for c in booking.cohosts.all()
    )


def may_answer_invitation(user: User, cohost: CoHost, *, roles: Roles | None = None) -> bool:
    """Accept or decline co-hosting: an admin of the invited association, or a coordinator of the venue."""
    if coordinates_booking(user, cohost.booking):
        return True
    return _roles(user, roles).get(cohost.association_id) == Membership.Role.ADMIN


def may_record_attendance(user: User, booking: Booking, *, roles: Roles | None = None) -> bool:
    """How many came: members and admins of a host association (the booking's own and the
    accepted co-hosts), and its venue's coordinators; not for an association that was removed."""
    if coordinates_booking(user, booking):
        return True
    mine = _roles(user, roles)
    hosts = [
        booking.association,
        *(c.association for c in booking.cohosts.all() if c.status == CoHost.Status.ACCEPTED),
    ]
    return any(a.pk in mine and a.status != Association.Status.REMOVED for a in hosts)


@dataclass(frozen=True)
class BookingAccess:
    """The answers for one user and one booking, for a page and its template."""

    view: bool
    manage: bool
    edit_details: bool
    cancel_series: bool
    invite_cohosts: bool
    record_attendance: bool
    answer_for: list = field(default_factory=list)  # the co-host rows the user may answer


def booking_access(user: User, booking: Booking) -> BookingAccess:
    roles = roles_of(user)
    return BookingAccess(
        view=may_view(user, booking, roles=roles),
        manage=may_manage(user, booking, roles=roles),
        edit_details=may_edit_details(user, booking, roles=roles),
        cancel_series=may_cancel_series(user, booking, roles=roles),
        invite_cohosts=may_invite_cohosts(user, booking, roles=roles),
        record_attendance=may_record_attendance(user, booking, roles=roles),
        answer_for=[c for c in booking.cohosts.all() if may_answer_invitation(user, c, roles=roles)],
    )
