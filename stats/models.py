"""The statistics rollup: confirmed dates summed per room, local day (and month), association
and role, so a year of figures reads 365 rows per room instead of every date.

Kept exact by stats/rollup.py from the marks the database's own triggers leave
(stats/triggers.py); stats/days.py says how a date is spread over days.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Rollup(models.Model):
    class Grain(models.TextChoices):
        DAY = "D", _("day")
        MONTH = "M", _("month")

    class Role(models.TextChoices):
        HOST = "h", _("host")
        COHOST = "c", _("co-host")

    grain = models.CharField(max_length=1, choices=Grain)
    # Null: dates held elsewhere (no room), read in the site's zone.
    room = models.ForeignKey("venues.Room", on_delete=models.CASCADE, null=True, related_name="+")
    day = models.DateField()  # the local day; for a month row, the month's first day
    month = models.DateField()  # the first day of the day's month: what by_month groups on
    association = models.ForeignKey("associations.Association", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=1, choices=Role)
    # Seconds of the dates clipped to the day (or month); room-hours, as stats/query.py says.
    seconds = models.BigIntegerField(default=0)
    # Counts filed under the day a date starts on (stats/days.py). `events` counts every room's
    # row (right when one room is read), `primary_events` one row per date and venue (right
    # for a venue, a municipality or everything: a date in two rooms is one event).
    events = models.IntegerField(default=0)
    primary_events = models.IntegerField(default=0)
    participants = models.BigIntegerField(default=0)
    recorded = models.IntegerField(default=0)
    # The same counts of dates that began earlier and are still going at the day's first
    # instant: a period adds those of its first day. Always 0 on month rows.
    carried_events = models.IntegerField(default=0)
    carried_primary = models.IntegerField(default=0)
    carried_participants = models.BigIntegerField(default=0)
    carried_recorded = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("statistics rollup row")
        verbose_name_plural = _("statistics rollup rows")
        indexes = [
            # One house (a list of rooms) over a period, and the whole installation.
            models.Index(fields=["room", "grain", "day"], name="rollup_room_day"),
            models.Index(fields=["grain", "day"], name="rollup_day"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "room", "day", "association", "role"],
                condition=Q(room__isnull=False),
                name="rollup_unique_in_room",
            ),
            models.UniqueConstraint(
                fields=["grain", "day", "association", "role"],
                condition=Q(room__isnull=True),
                name="rollup_unique_offsite",
            ),
            models.CheckConstraint(condition=Q(grain__in=["D", "M"]), name="rollup_grain_known"),
            models.CheckConstraint(condition=Q(role__in=["h", "c"]), name="rollup_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} room {self.room_id} association {self.association_id} {self.role}"


class RollupPending(models.Model):
    """What changed since the rollup was last brought up to date, written by the triggers in
    the writing transaction itself.

    kind "s": a date's span [start, end) in room_id (null: off-site) changed, as it was
    before or is after the write; "b": something of booking_id changed that all its dates
    carry (its association, its co-hosts); "v": all of venue_id must be summed again (its
    time zone, a room moved); "a": everything (the rollup was just created).
    No foreign keys: the row a mark speaks of may be gone by the time it is read.
    """

    kind = models.CharField(max_length=1)
    room_id = models.BigIntegerField(null=True)
    booking_id = models.BigIntegerField(null=True)
    venue_id = models.BigIntegerField(null=True)
    start = models.DateTimeField(null=True)
    end = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("pending statistics change")
        verbose_name_plural = _("pending statistics changes")

    def __str__(self) -> str:
        return f"{self.kind} {self.room_id or self.booking_id or self.venue_id or ''}"
