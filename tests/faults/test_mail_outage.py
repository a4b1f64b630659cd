"""A mail server that refuses, then accepts: every message arrives once, after retries."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEntry
from booking.models import Booking

pytestmark = [pytest.mark.django_db(transaction=True)]


def book(api, user, association, room, day: int):
    body = {
        "association": association.pk,
        "room": room.pk,
        "title": f"Kerho {day}",
        "start": f"2027-02-{day:02d}T18:00:00+02:00",
        "end": f"2027-02-{day:02d}T20:00:00+02:00",
    }
    return api(user).post("/api/v1/bookings", body, format="json")


def run_worker():
    call_command("worker", "--once", "--interval", "0")


def test_messages_owed_during_an_outage_arrive_once_the_server_is_back(
    database_queue, smtp_server, settings, api, users, association, room
):
    settings.EMAIL_RETRY_BASE_SECONDS = 60
    answers = [book(api, users.member, association, room, day) for day in (1, 2, 3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert DBTaskResult.objects.count() == 3  # queued in the database, not sent in the request

    run_worker()  # first attempts: refused
    assert smtp_server.refused >= 3
    assert smtp_server.received == []
    assert DBTaskResult.objects.filter(status="READY").count() == 3  # the retries, due later

    run_worker()  # not due yet: nothing is tried
    assert smtp_server.received == []

    smtp_server.refusing = False
    with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=True):
        run_worker()
    subjects = sorted(str(m["Subject"]) for m in smtp_server.received)
    assert len(subjects) == 3
    assert all("Kerho" in s for s in subjects)
    assert len({m["Message-ID"] for m in smtp_server.received}) == 3

    # Once: nothing is left to send, and a later round sends nothing again.
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=True):
        run_worker()
    assert len(smtp_server.received) == 3
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert not AuditEntry.objects.filter(action="email_failed").exists()


def test_a_message_is_given_up_loudly_after_the_last_attempt(
    database_queue, smtp_server, settings, api, users, association, room, caplog
):
    settings.EMAIL_MAX_ATTEMPTS = 3
    settings.EMAIL_RETRY_BASE_SECONDS = 10
    assert book(api, users.member, association, room, 4).status_code == 201
    later = timezone.now()
    for _ in range(4):
        with time_machine.travel(later, tick=True):
            run_worker()
        later += timedelta(minutes=5)
    assert smtp_server.received == []
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.exception_class_path == "tupa.mail.DeliveryFailed"
    entry = AuditEntry.objects.get(action="email_failed")
    assert entry.data["attempts"] == 3
    assert "GAVE UP" in caplog.text
    assert DBTaskResult.objects.count() == 3  # three attempts, no fourth


def test_with_immediate_tasks_a_refusing_server_never_reaches_the_answer(
    smtp_server, api, users, association, room
):
    # `make run` and the test suite send on the spot: a refusal is given up at once, loudly.
    answer = book(api, users.member, association, room, 5)
    assert answer.status_code == 201
    assert Booking.objects.filter(pk=answer.json()["id"]).exists()
    assert AuditEntry.objects.filter(action="email_failed").exists()


def test_the_worker_survives_a_database_error(monkeypatch, database_queue):
    from django.db import OperationalError
    from django_tasks_db.management.commands import db_worker

    def broken(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(db_worker.Worker, "run", broken)
    run_worker()  # logged, not raised: the Procfile's worker waits the outage out


def test_a_task_abandoned_mid_attempt_is_run_again(database_queue, smtp_server, settings):
    # The worker lost the database (or was killed) between claiming a send and recording it.
    from django.core.mail import EmailMessage

    from tupa import mail

    smtp_server.refusing = False
    mail.queue(EmailMessage("Tervetuloa", "Hei!", "tupa@example.org", ["a@example.org"]))
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now() - timedelta(minutes=10))
    run_worker()
    assert [str(m["Subject"]) for m in smtp_server.received] == ["Tervetuloa"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
