import pytest
from django.contrib import admin

from tests.factories import BookingFactory, ClosureFactory, OccurrenceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_every_registered_model_has_working_admin_pages(client, superuser, room, association, users):
    booking = BookingFactory(room=room, association=association)
    OccurrenceFactory(booking=booking)
    ClosureFactory(venue=room.venue)
    client.force_login(superuser)
    for model in admin.site._registry:
        meta = model._meta
        changelist = f"/admin/{meta.app_label}/{meta.model_name}/"
        assert client.get(changelist).status_code == 200, changelist
        obj = model.objects.first()
        if obj is not None:
            assert client.get(f"{changelist}{obj.pk}/change/").status_code == 200, changelist


def test_the_audit_trail_is_read_only(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
