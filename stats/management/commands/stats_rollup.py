"""Bring the statistics rollup up to date, rebuild it, or check it against the date rows.

    manage.py stats_rollup                      # fold in what changed (the worker does this too)
    manage.py stats_rollup --rebuild            # sum everything again from the date rows
    manage.py stats_rollup --verify 2026-01-01 2026-12-31
                                                # compare with the figures summed from the dates

--verify exits non-zero on any difference, for every venue and the whole installation.
"""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from stats import direct
from stats.rollup import catch_up
from stats.rollup import rebuild as rebuild_rollup
from stats.selectors import usage
from venues.models import Venue


class Command(BaseCommand):
    help = "Fold the latest writes into the statistics rollup, rebuild it, or verify it."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Sum everything again.")
        parser.add_argument("--verify", nargs=2, metavar=("START", "END"), help="Compare a period.")

    def handle(self, *args, rebuild: bool = False, verify=None, **options):
        started = time.monotonic()
        handled = rebuild_rollup() if rebuild else catch_up()
        self.stdout.write(f"{handled} changes folded in, {time.monotonic() - started:.1f} s")
        if verify:
            try:
                start, end = (date.fromisoformat(value) for value in verify)
            except ValueError as exc:
                raise CommandError("START and END are dates: YYYY-MM-DD") from exc
            differences = 0
            for venue in [None, *Venue.objects.order_by("id")]:
                figures = usage(start=start, end=end, venue=venue)
                if figures.as_contract() != direct.as_contract(figures):
                    differences += 1
                    self.stderr.write(f"differs: {venue or 'all venues'}")
            if differences:
                raise CommandError(f"{differences} scopes differ from the date rows")
            self.stdout.write(self.style.SUCCESS("The rollup equals the date rows."))
