"""An event's public details (accessibility, price, sign-up, image) and joint events on the web."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from booking import services
from booking.models import Booking, CoHost, Status
from booking.series import cohost_invite, event_details_update
from tests.factories import AssociationFactory

from ..conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def form_data(association, room, **kw) -> dict:
    data = {
        "association": association.pk,
        "room": room.pk,
        "title": "Syysmarkkinat",
        "date": "2026-12-05",
        "start": "10:00",
        "end": "14:00",
        "repeat": "none",
        "is_public": "on",
        "audience": "everyone",
    }
    data.update(kw)
    return data


@pytest.fixture
def joint(users, association, other_association, room):
    booking = services.booking_create(
        actor=users.admin,
        association=association,
        room=room,
        title="Syysmarkkinat",
        start=at("2026-12-05", 10),
        end=at("2026-12-05", 14),
        cohosts=[other_association],
    ).booking
    services.cohost_respond(actor=users.outsider, booking=booking, association=other_association, accept=True)
    return booking


def test_the_form_takes_the_event_details_and_invites_cohosts(
    client, users, association, other_association, room
):
    client.force_login(users.member)
    page = client.get("/bookings/new/").content.decode()
    for name in (
        "accessibility_notes",
        "is_free",
        "registration_required",
        "image_url",
        "image_alt",
        "cohosts",
    ):
        assert f'name="{name}"' in page, name
    response = client.post(
        "/bookings/new/",
        form_data(
            association,
            room,
            accessibility_notes="Esteetön sisäänkäynti pihan puolelta.",
            registration_required="on",
            image_url="https://example.org/markkinat.jpg",
            image_alt="Myyntipöytiä salissa",
            cohosts=[other_association.pk],
        ),
    )
    assert response.status_code == 302, response.content.decode()
    booking = Booking.objects.get()
    assert booking.accessibility_notes == "Esteetön sisäänkäynti pihan puolelta."
    assert booking.registration_required is True
    assert booking.is_free is False  # an unticked box is "no"
    assert booking.image_url == "https://example.org/markkinat.jpg"
    assert [(c.association, c.status) for c in booking.cohosts.all()] == [
        (other_association, CoHost.Status.INVITED)
    ]


def test_an_image_without_a_description_is_refused_next_to_the_field(client, users, association, room):
    client.force_login(users.member)
    response = client.post(
        "/bookings/new/", form_data(association, room, image_url="https://example.org/a.jpg", image_alt=" ")
    )
    assert response.status_code == 400
    assert "Describe the image in a few words." in response.content.decode()
    assert not Booking.objects.exists()


def test_the_database_refuses_an_image_without_a_description(users, association, room):
    booking = services.booking_create(
        actor=users.member,
        association=association,
        room=room,
        title="Kuvaton",
        start=at("2026-12-05", 10),
        end=at("2026-12-05", 12),
    ).booking
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=booking.pk).update(image_url="https://example.org/a.jpg")


def test_the_event_page_shows_the_image_with_its_text_and_both_hosts(
    client, joint, association, other_association
):
    event_details_update(
        actor=joint.created_by,
        booking=joint,
        title=joint.title,
        image_url="https://example.org/markkinat.jpg",
        image_alt="Myyntipöytiä salissa",
    )
    occurrence = joint.occurrences.get()
    html = client.get(f"/events/{occurrence.pk}/").content.decode()
    assert 'src="https://example.org/markkinat.jpg" alt="Myyntipöytiä salissa"' in html
    assert association.name in html and other_association.name in html


def test_an_accepted_cohost_edits_the_public_details_only(client, users, joint):
    client.force_login(users.outsider)
    detail = client.get(f"/bookings/{joint.pk}/").content.decode()
    assert f'href="/bookings/{joint.pk}/details/"' in detail
    assert f'href="/bookings/{joint.pk}/edit/"' not in detail  # times stay with the host
    before = joint.sequence
    response = client.post(
        f"/bookings/{joint.pk}/details/",
        {
            "title": "Joulumarkkinat",
            "audience": "seniors",
            "is_free": "on",
            "accessibility_notes": "Induktiosilmukka",
        },
    )
    assert response.status_code == 302
    joint.refresh_from_db()
    assert (joint.title, joint.audience, joint.accessibility_notes) == (
        "Joulumarkkinat",
        "seniors",
        "Induktiosilmukka",
    )
    assert joint.sequence > before  # subscribed calendars pick the change up
    assert joint.is_public is True
    assert joint.audit.filter(action="booking.details_updated", actor=users.outsider).exists()
    # Times and cancelling remain the host's.
    assert client.get(f"/bookings/{joint.pk}/edit/").status_code == 403
    assert client.post(f"/bookings/{joint.pk}/cancel/", {"scope": "series"}).status_code == 403
    assert joint.occurrences.get().status == Status.CONFIRMED


def test_an_invited_but_not_accepted_association_may_not_edit(
    client, users, association, other_association, room
):
    booking = services.booking_create(
        actor=users.admin,
        association=association,
        room=room,
        title="Syysmarkkinat",
        start=at("2026-12-05", 10),
        end=at("2026-12-05", 14),
        cohosts=[other_association],
    ).booking
    client.force_login(users.outsider)
    assert client.get(f"/bookings/{booking.pk}/details/").status_code == 403
    assert (
        client.post(
            f"/bookings/{booking.pk}/details/", {"title": "Kaapattu", "audience": "everyone"}
        ).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        event_details_update(actor=users.outsider, booking=booking, title="Kaapattu")
    booking.refresh_from_db()
    assert booking.title == "Syysmarkkinat"


def test_a_stranger_cannot_see_or_edit_the_details_page(client, users, joint):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="stranger"))
    assert client.get(f"/bookings/{joint.pk}/details/").status_code == 404
    assert (
        client.post(f"/bookings/{joint.pk}/details/", {"title": "X", "audience": "everyone"}).status_code
        == 404
    )
    assert Booking.objects.get(pk=joint.pk).title == joint.title


def test_the_host_invites_another_association_later(
    client, users, association, room, django_capture_on_commit_callbacks
):
    booking = services.booking_create(
        actor=users.admin,
        association=association,
        room=room,
        title="Syysmarkkinat",
        start=at("2026-12-05", 10),
        end=at("2026-12-05", 14),
    ).booking
    village = AssociationFactory(name="Kyläyhdistys ry", slug="kyla")
    from tests.factories import MembershipFactory

    MembershipFactory(association=village, role="admin", user__email="kyla@example.org")
    client.force_login(users.member)
    # A plain member does not invite in the association's name (booking/permissions.py).
    assert (
        f'action="/bookings/{booking.pk}/cohosts/"'
        not in client.get(f"/bookings/{booking.pk}/").content.decode()
    )
    client.force_login(users.admin)
    page = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert f'action="/bookings/{booking.pk}/cohosts/"' in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/bookings/{booking.pk}/cohosts/", {"cohosts": [village.pk]})
    assert response.status_code == 302
    assert booking.cohosts.get().association == village
    assert any("kyla@example.org" in m.to for m in mail.outbox)
    # Inviting again changes nothing and sends nothing.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert cohost_invite(actor=users.admin, booking=booking, associations=[village]) == []
    assert mail.outbox == []


def test_only_the_host_invites(client, users, joint):
    village = AssociationFactory(name="Kyläyhdistys ry", slug="kyla")
    client.force_login(users.outsider)  # an accepted co-host, not the host
    assert client.post(f"/bookings/{joint.pk}/cohosts/", {"cohosts": [village.pk]}).status_code == 403
    assert not joint.cohosts.filter(association=village).exists()


def test_a_pending_association_cannot_be_invited(users, joint):
    pending = AssociationFactory(slug="odottaa", status="pending")
    with pytest.raises(ValidationError):
        cohost_invite(actor=users.admin, booking=joint, associations=[pending])
