"""The Procfile's one background process: the e-mail queue and the periodic desk work.

Each round sends whatever queued e-mail is due (django-tasks-db's worker in batch mode),
folds the latest writes into the statistics rollup (stats/rollup.py) and, every
`--expire-every` seconds, runs `expire_offers`. A database outage is waited out, not
fatal: the round is logged and tried again, so the worker recovers by itself, and a task
the outage left half-done is run again (`_requeue_abandoned`).
"""

from __future__ import annotations

import logging
import signal
import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from desk.services import expire_offers
from stats.rollup import catch_up

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send queued e-mail (with retries) and expire lapsed offers, until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between queue polls.")
        parser.add_argument(
            "--expire-every", type=int, default=300, help="Seconds between expire_offers runs."
        )
        parser.add_argument("--once", action="store_true", help="One round, then exit (for tests).")

    def handle(self, *args, interval: float, expire_every: int, once: bool, **options):
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        worker_id = f"tupa-{get_random_string(20)}"
        next_expiry = 0.0
        while self.running:
            try:
                self._requeue_abandoned()
                Worker(
                    queue_names=["default"],
                    interval=0,
                    batch=True,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=None,
                    worker_id=worker_id,
                    excluded_queue_names=[],
                ).run()
                # Statistics reads fold in what changed anyway; doing it here keeps them quick.
                catch_up()
                if time.monotonic() >= next_expiry:
                    counts = expire_offers()
                    if options["verbosity"] >= 2:
                        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
                    next_expiry = time.monotonic() + expire_every
            except DatabaseError as exc:
                log.error("worker round failed, database unavailable? %s", exc)
                # Drop the dead connection: the next round opens a new one.
                connections.close_all()
            finally:
                close_old_connections()
            if once:
                return
            time.sleep(interval)

    def _requeue_abandoned(self) -> None:
        # A task still "running" long after any send could take was abandoned: its worker was
        # killed, or lost the database between the attempt and recording it (so neither the
        # result nor the retry was saved). Run it again: a message may then, rarely, go out
        # twice (with the same Message-ID), but it is never lost.
        stale = timezone.now() - timedelta(seconds=settings.TASKS_ABANDONED_SECONDS)
        count = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=stale).update(
            status=TaskResultStatus.READY
        )
        if count:
            log.warning("re-queued %s abandoned task(s)", count)

    def _stop(self, signum, frame):
        self.running = False
