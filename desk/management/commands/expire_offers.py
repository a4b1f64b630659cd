"""Run every few minutes (cron, the Procfile's worker or the platform's scheduler).

Idempotent and safe on several machines at once: rows being handled elsewhere are
skipped (SKIP LOCKED on PostgreSQL; SQLite's IMMEDIATE transactions serialise).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from desk.services import expire_offers


class Command(BaseCommand):
    help = "Expire lapsed waitlist offers and proposals; offer freed slots to the next in line."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="Repeat forever, this many seconds apart (for a Procfile worker).",
        )

    def handle(self, *args, **options):
        every = options["every"]
        if every is not None and every < 1:
            raise CommandError("--every must be at least 1 second")
        while True:
            counts = expire_offers()
            if options["verbosity"] >= 1:
                self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
            if every is None:
                return
            # A long-lived worker must not hold a connection the database has since dropped.
            close_old_connections()
            time.sleep(every)
