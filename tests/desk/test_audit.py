"""The audit trail browser: coordinators only, filters, paginated with bounded queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from booking.services import audit

URL = "/coordinator/audit/"


@pytest.fixture
def trail(users, association, other_association):
    audit(users.coordinator, "booking.approved", association=association, message="ok")
    audit(users.coordinator, "booking.declined", association=other_association, message="ei")
    old = AuditEntry.objects.create(action="closure.created", message="vanha")
    AuditEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))


def test_only_coordinators_browse(client, login, users, trail):
    assert client.get(URL).status_code == 302
    refused = login(users.admin).get(URL)
    assert refused.status_code == 403 and "vanha" not in refused.text
    shown = login(users.coordinator).get(URL)
    assert shown.status_code == 200 and "booking.approved" in shown.text


def test_it_filters_by_action_association_and_dates(login, users, trail, association, other_association):
    client = login(users.coordinator)

    def actions(**params):
        response = client.get(URL, params)
        assert response.status_code == 200
        return sorted(e.action for e in response.context["page"])

    assert actions() == ["booking.approved", "booking.declined", "closure.created"]
    assert actions(action="booking.declined") == ["booking.declined"]
    assert actions(association=association.pk) == ["booking.approved"]
    today = timezone.localdate()
    assert actions(date_from=(today - timedelta(days=1)).isoformat()) == [
        "booking.approved",
        "booking.declined",
    ]
    assert actions(date_to=(today - timedelta(days=30)).isoformat()) == ["closure.created"]


@pytest.mark.parametrize(
    "params",
    [
        {"action": "no-such"},
        {"association": "99999999999999999999"},
        {"date_from": "2026-13-45"},
        {"date_from": "2026-05-02", "date_to": "2026-05-01"},
        {"page": "x"},
    ],
)
def test_bad_filters_are_answered_not_crashed(login, users, trail, params):
    response = login(users.coordinator).get(URL, params)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.context["form"].errors


def test_audit_queries_do_not_grow_with_the_entries(login, users, association, django_assert_max_num_queries):
    client = login(users.coordinator)
    for _ in range(3):
        audit(users.coordinator, "booking.approved", association=association)
    with django_assert_max_num_queries(12) as few:
        client.get(URL)
    for _ in range(60):
        audit(users.admin, "booking.created", association=association, message="x")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL + "?page=2")
    assert len(response.context["page"]) == 13
