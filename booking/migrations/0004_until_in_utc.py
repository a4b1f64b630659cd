"""Rewrite stored rules whose UNTIL is a bare date (or a floating time) as a UTC date-time.

RFC 5545 3.3.10: beside a DTSTART with a time zone, UNTIL must be a UTC date-time. A bare
date meant the end of that local day (booking/recurrence.py), and the rewrite keeps that
meaning: UNTIL=20270525 in Helsinki becomes UNTIL=20270525T205959Z. The dates of the
series do not change. Not reversed: the UTC form is what the old form always meant.
"""

import zoneinfo

from django.conf import settings
from django.db import migrations


def until_in_utc(apps, schema_editor):
    from booking.recurrence import canonical_rule

    Booking = apps.get_model("booking", "Booking")
    rows = Booking.objects.filter(rrule__icontains="UNTIL=").select_related("room__venue")
    for booking in rows.iterator(chunk_size=500):
        zone = booking.room.venue.time_zone if booking.room_id else settings.TIME_ZONE
        rule = canonical_rule(booking.rrule, zoneinfo.ZoneInfo(zone))
        if rule != booking.rrule:
            Booking.objects.filter(pk=booking.pk).update(rrule=rule)


class Migration(migrations.Migration):
    dependencies = [("booking", "0003_event_image"), ("venues", "0001_initial")]
    operations = [migrations.RunPython(until_in_utc, migrations.RunPython.noop)]
