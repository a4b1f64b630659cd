"""Read-only open data: municipalities, venues and rooms, and which rooms are free for a given time."""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

# The free-room search reads bookings; the room list stays the one endpoint for rooms.
from booking.calendar_query import parse_moment
from booking.free_rooms import free_rooms

from .models import Municipality, Room, Venue
from .query import parse_ids

MUNICIPALITY_PARAM = OpenApiParameter(
    "municipality",
    int,
    many=True,
    description=gettext_lazy(
        "Only this municipality's venues (an id from /api/v1/municipalities); repeatable."
    ),
)


def _municipalities(request) -> list[int]:
    ids, error = parse_ids(request.query_params, "municipality")
    if error:
        raise ValidationError({"municipality": error})
    return ids


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["id", "name", "slug"]


class MunicipalityList(generics.ListAPIView):
    """The municipalities (or other organisers) whose venues this installation serves."""

    queryset = Municipality.objects.order_by("id")
    serializer_class = MunicipalitySerializer


class VenueSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Venue
        fields = [
            "id",
            "name",
            "slug",
            "address",
            "time_zone",
            "description",
            "contact_email",
            "contact_phone",
            "accessibility_notes",
            "municipality",
            "url",
        ]


class RoomSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Room
        fields = [
            "id",
            "venue",
            "name",
            "slug",
            "description",
            "capacity",
            "equipment",
            "step_free_access",
            "hearing_loop",
            "accessible_toilet",
            "accessibility_notes",
            "requires_approval",
            "buffer_minutes",
            "min_booking_minutes",
            "max_booking_minutes",
            "booking_horizon_days",
            "url",
        ]


@extend_schema_view(get=extend_schema(parameters=[MUNICIPALITY_PARAM]))
class VenueList(generics.ListAPIView):
    serializer_class = VenueSerializer

    def get_queryset(self):
        venues = Venue.objects.order_by("id")
        municipalities = _municipalities(self.request)
        if municipalities:
            venues = venues.filter(municipality_id__in=municipalities)
        return venues


_WHOLE = re.compile(r"[0-9]{1,9}")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def _free_query(params) -> dict:
    """free_start, free_end, capacity and the needs, checked; errors as {"field": [...]}."""
    errors: dict[str, list[str]] = {}
    query: dict = {}
    raw_start, raw_end = params.get("free_start"), params.get("free_end")
    if (raw_start is None) != (raw_end is None):
        missing = "free_end" if raw_end is None else "free_start"
        errors[missing] = [_("Give free_start and free_end together.")]
    elif raw_start is not None:
        for name, raw in (("free_start", raw_start), ("free_end", raw_end)):
            # A plain date is not an instant: the free time needs a clock time and an offset.
            moment, error = (None, None) if "T" not in raw else parse_moment(raw)
            if moment is None:
                errors[name] = [error or _("The time needs a UTC offset, e.g. 2026-05-01T18:00:00+03:00.")]
            query[name] = moment
        if not errors and query["free_end"] <= query["free_start"]:
            errors["free_end"] = [_("The end must be after the start.")]
    capacity = params.get("capacity")
    if capacity is not None:
        if not _WHOLE.fullmatch(capacity.strip()):
            errors["capacity"] = [_("Give the number of people as a whole number, e.g. capacity=12.")]
        else:
            query["capacity"] = int(capacity)
    for name in ("step_free_access", "hearing_loop"):
        value = params.get(name)
        if value is None:
            continue
        if value.strip().lower() not in _TRUE | _FALSE:
            errors[name] = [_("Give true or false.")]
        else:
            query[name] = value.strip().lower() in _TRUE
    if errors:
        raise ValidationError(errors)
    return query


@extend_schema_view(
    get=extend_schema(
        parameters=[
            MUNICIPALITY_PARAM,
            OpenApiParameter("venue", int, many=True, description="Only this venue's rooms; repeatable."),
            OpenApiParameter(
                "free_start",
                str,
                description="With free_end: only rooms free for the whole time. ISO 8601 with a UTC offset.",
            ),
            OpenApiParameter("free_end", str, description="With free_start. ISO 8601 with a UTC offset."),
            OpenApiParameter("capacity", int, description="Only rooms that hold at least this many people."),
            OpenApiParameter("step_free_access", bool, description="Only rooms with step-free access."),
            OpenApiParameter("hearing_loop", bool, description="Only rooms with a hearing loop."),
        ]
    )
)
class RoomList(generics.ListAPIView):
    """Rooms that take bookings. With free_start and free_end (together), only those open
    for that whole time (opening hours in the venue's zone) with no closure and no confirmed
    booking in it, turnaround buffers counted; with capacity, only those holding that many."""

    serializer_class = RoomSerializer

    def get_queryset(self):
        params = self.request.query_params
        municipalities = _municipalities(self.request)
        venue_ids, error = parse_ids(params, "venue")
        if error:
            raise ValidationError({"venue": error})
        query = _free_query(params)
        if not query:
            rooms = Room.objects.select_related("venue").filter(is_active=True).order_by("id")
            if municipalities:
                rooms = rooms.filter(venue__municipality_id__in=municipalities)
            if venue_ids:
                rooms = rooms.filter(venue_id__in=venue_ids)
            return rooms
        found = free_rooms(
            start=query.get("free_start"),
            end=query.get("free_end"),
            capacity=query.get("capacity"),
            step_free=query.get("step_free_access", False),
            hearing_loop=query.get("hearing_loop", False),
            venue_ids=venue_ids,
        )
        if municipalities:
            found = [room for room in found if room.venue.municipality_id in municipalities]
        return sorted(found, key=lambda r: r.pk)
