"""API field types shared by the apps."""

from datetime import datetime, timedelta

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MAX_OFFSET = timedelta(hours=14)


def parse_aware(value) -> datetime | None:
    """An ISO 8601 time with a UTC offset, or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value.strip().replace(" ", "T", 1) if "T" not in value else value.strip())
    except ValueError:
        return None
    if parsed is None or parsed.tzinfo is None or parsed.utcoffset() is None:
        return None
    # No place on Earth is more than 14 hours off UTC, and PostgreSQL refuses offsets past
    # 15:59 with an error (a 500 where the caller sent nonsense): such a time is invalid.
    if abs(parsed.utcoffset()) > MAX_OFFSET:
        return None
    return parsed


@extend_schema_field(OpenApiTypes.DATETIME)
class AwareDateTimeField(serializers.Field):
    """ISO 8601 with a UTC offset; a time without one is ambiguous and refused."""

    default_error_messages = {
        "invalid": _("Give a time in ISO 8601 with a UTC offset, e.g. 2026-12-01T18:00:00+02:00."),
    }

    def to_internal_value(self, data):
        parsed = parse_aware(data)
        if parsed is None:
            self.fail("invalid")
        return parsed

    def to_representation(self, value):
        return value.isoformat()
