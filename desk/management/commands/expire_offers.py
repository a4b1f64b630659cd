"""Run every few minutes (cron, the Procfile's worker or the platform's scheduler).

Idempotent and safe on several machines at once: rows being handled elsewhere are
skipped (SKIP LOCKED on PostgreSQL; SQLite's IMMEDIATE transactions serialise).
"""

from django.core.management.base import BaseCommand

from desk.services import expire_offers


class Command(BaseCommand):
    help = "Expire lapsed waitlist offers and proposals; offer freed slots to the next in line."

    def handle(self, *args, **options):
        counts = expire_offers()
        if options["verbosity"] >= 1:
            self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
