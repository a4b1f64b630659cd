"""Booking endpoints of the contract: book, read, cancel, answer a co-host invitation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from associations.models import Association
from tupa.fields import AwareDateTimeField
from tupa.text import validate_multi_line, validate_single_line
from venues.models import Room

from . import permissions, services
from .alternatives import Alternatives, suggest_alternatives
from .models import Audience, Booking, Category, CoHost, Occurrence


def local_iso(moment, tz) -> str:
    return moment.astimezone(tz).isoformat()


def booking_tz(booking: Booking):
    return booking.room.venue.tz if booking.room_id else timezone.get_default_timezone()


def _dates(booking: Booking, tz) -> list[dict]:
    """One entry per date however many rooms it uses.

    "rooms" (pk order) is listed on every entry when any date uses rooms other than the
    booking's own room.
    """
    dates: dict = {}
    for o in booking.occurrences.all():
        entry = dates.get(o.recurrence_id)
        if entry is None:
            entry = dates[o.recurrence_id] = {
                "start": local_iso(o.start, tz),
                "end": local_iso(o.end, tz),
                "status": o.status,
                "rooms": [],
            }
        if o.room_id is not None and o.room_id not in entry["rooms"]:
            entry["rooms"].append(o.room_id)
    for entry in dates.values():
        entry["rooms"].sort()
    if all(entry["rooms"] == ([booking.room_id] if booking.room_id else []) for entry in dates.values()):
        # The booking's "room" already says it all; keep the contract's three keys for clients
        # that compare the entries whole.
        for entry in dates.values():
            del entry["rooms"]
    return list(dates.values())


def booking_data(booking: Booking) -> dict:
    tz = booking_tz(booking)
    return {
        "id": booking.pk,
        "status": booking.status,
        "title": booking.title,
        "room": booking.room_id,
        "association": booking.association_id,
        "public": booking.is_public,
        "rrule": booking.rrule or None,
        "reason": booking.status_reason,
        "cohosts": [{"id": c.association_id, "status": c.status} for c in booking.cohosts.all()],
        "occurrences": _dates(booking, tz),
    }


def conflict_data(conflicts, tz) -> dict:
    items = []
    for c in conflicts:
        item = {
            "start": local_iso(c.start, tz),
            "end": local_iso(c.end, tz),
            "room": c.room_id,
            "requested": {"start": local_iso(c.requested_start, tz), "end": local_iso(c.requested_end, tz)},
        }
        if c.title is not None:
            item["title"] = c.title
        items.append(item)
    return {"detail": _("Some dates collide with confirmed bookings; nothing was saved."), "conflicts": items}


def alternatives_data(alternatives: Alternatives, tz) -> dict:
    """Free times near the request in its room, and the same time in other suitable rooms."""

    def item(alt) -> dict:
        return {
            "room": alt.room.pk,
            "start": local_iso(alt.start, tz),
            "end": local_iso(alt.end, tz),
            "dates": alt.dates,
        }

    return {
        "same_room": [item(alt) for alt in alternatives.same_room],
        "other_rooms": [item(alt) for alt in alternatives.other_rooms],
    }


def load_booking(pk: int) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("room__venue", "association").prefetch_related(
            Prefetch("occurrences", queryset=Occurrence.objects.order_by("recurrence_id", "start")),
            Prefetch("cohosts", queryset=CoHost.objects.order_by("pk")),
        ),
        pk=pk,
    )


def load_visible_booking(request, pk: int) -> Booking:
    """The booking, or 404 alike for a missing one and one the caller may not see: outsiders
    cannot tell which ids exist."""
    booking = load_booking(pk)
    if not permissions.may_read(request.user, booking):
        raise Http404
    return booking


class BookingInput(serializers.Serializer):
    association = serializers.PrimaryKeyRelatedField(queryset=Association.objects.all())
    room = serializers.PrimaryKeyRelatedField(queryset=Room.objects.select_related("venue"))
    # Beyond the contract: other rooms of the same house booked for the same times.
    rooms = serializers.PrimaryKeyRelatedField(
        queryset=Room.objects.select_related("venue"), many=True, required=False, default=list
    )
    title = serializers.CharField(max_length=200, validators=[validate_single_line])
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    rrule = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    public = serializers.BooleanField(required=False, default=True)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[validate_multi_line]
    )
    cohosts = serializers.PrimaryKeyRelatedField(
        queryset=Association.objects.all(), many=True, required=False, default=list
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True, default=None
    )
    audience = serializers.ChoiceField(choices=Audience.choices, required=False, default=Audience.EVERYONE)
    remote_url = serializers.URLField(required=False, allow_blank=True, default="")
    expected_attendance = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    only_free_dates = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": [_("The end must be after the start.")]})
        return attrs


class BookingsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=BookingInput, responses={201: dict, 400: dict, 403: dict, 409: dict})
    def post(self, request):
        data = BookingInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            result = services.booking_create(
                actor=request.user,
                association=v["association"],
                room=v["room"],
                title=v["title"],
                start=v["start"],
                end=v["end"],
                rrule=v["rrule"],
                is_public=v["public"],
                description=v["description"],
                cohosts=v["cohosts"],
                category=v["category"],
                audience=v["audience"],
                remote_url=v["remote_url"],
                expected_attendance=v["expected_attendance"],
                only_free_dates=v["only_free_dates"],
                extra_rooms=v["rooms"],
            )
        except DjangoValidationError as exc:
            if hasattr(exc, "message_dict") and "extra_rooms" in exc.message_dict:
                # The service names the keyword, the request names the field.
                errors = dict(exc.message_dict)
                errors["rooms"] = errors.pop("extra_rooms")
                raise DjangoValidationError(errors) from None
            raise
        except services.BookingConflict as exc:
            tz = v["room"].venue.tz
            body = conflict_data(exc.conflicts, tz)
            slots = services.expand_or_raise(v["rrule"], v["start"], v["end"], tz)
            suggestions = suggest_alternatives(
                room=v["room"], slots=slots, participants=v["expected_attendance"]
            )
            body["alternatives"] = alternatives_data(suggestions, tz)
            return Response(body, status=status.HTTP_409_CONFLICT)
        body = booking_data(load_booking(result.booking.pk))
        if result.skipped:
            body["skipped"] = conflict_data(result.skipped, v["room"].venue.tz)["conflicts"]
        return Response(body, status=status.HTTP_201_CREATED)


class BookingView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict, 404: dict})
    def get(self, request, pk: int):
        return Response(booking_data(load_visible_booking(request, pk)))


class CancelInput(serializers.Serializer):
    occurrence = AwareDateTimeField(required=False)
    # "from" is a Python keyword: the field is declared below under its JSON name.
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[validate_multi_line]
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = AwareDateTimeField(required=False)
        return fields

    def validate(self, attrs):
        if "occurrence" in attrs and "from" in attrs:
            raise serializers.ValidationError({"detail": _("Give either occurrence or from, not both.")})
        return attrs


class CancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=CancelInput, responses={200: dict, 400: dict, 403: dict, 404: dict})
    def post(self, request, pk: int):
        booking = load_visible_booking(request, pk)
        if not permissions.may_manage(request.user, booking):
            raise PermissionDenied(_("You may not cancel bookings of this association."))
        data = CancelInput(data=request.data if isinstance(request.data, dict) else {})
        if not isinstance(request.data, dict):
            return Response({"detail": _("Send a JSON object.")}, status=status.HTTP_400_BAD_REQUEST)
        data.is_valid(raise_exception=True)
        services.booking_cancel(
            actor=request.user,
            booking=booking,
            occurrence=data.validated_data.get("occurrence"),
            from_start=data.validated_data.get("from"),
            reason=data.validated_data.get("reason", ""),
        )
        return Response(booking_data(load_booking(pk)))


class CohostAnswerView(APIView):
    permission_classes = [IsAuthenticated]
    accept = True

    @extend_schema(request=None, responses={200: dict, 400: dict, 403: dict, 404: dict})
    def post(self, request, pk: int, association_id: int):
        booking = load_visible_booking(request, pk)
        association = get_object_or_404(Association, pk=association_id)
        services.cohost_respond(
            actor=request.user, booking=booking, association=association, accept=self.accept
        )
        return Response(booking_data(load_booking(pk)))


class AttendanceInput(serializers.Serializer):
    occurrence = AwareDateTimeField(help_text="the date's start instant, in any UTC offset")
    participants = serializers.IntegerField(
        min_value=0,
        max_value=services.ATTENDANCE_MAX,
        help_text="visits: how many took part; at most ten times the capacity of the date's rooms",
    )

    def validate_participants(self, value):
        # In JSON, 12.5, "12" and true are not counts (DRF's IntegerField would take "12" and
        # 12.0); a form-encoded body has only strings, which the field has already checked.
        raw = self.initial_data.get("participants")
        if not isinstance(self.initial_data, QueryDict) and (
            isinstance(raw, bool) or not isinstance(raw, int)
        ):
            raise serializers.ValidationError(_("Give the number of visits as a whole number, 0 or more."))
        return value


class AttendanceOutput(serializers.Serializer):
    booking = serializers.IntegerField()
    occurrence = serializers.DateTimeField(help_text="the date's start, in the venue's offset")
    participants = serializers.IntegerField()


class AttendanceView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=AttendanceInput,
        responses={200: AttendanceOutput, 400: dict, 401: dict, 403: dict, 404: dict},
        description=(
            "Record how many took part in a date that has begun (visits). Members and admins of "
            "a host association (the booking's and accepted co-hosts) and coordinators."
        ),
    )
    def post(self, request, pk: int):
        booking = load_visible_booking(request, pk)
        if not permissions.may_record_attendance(request.user, booking):
            raise PermissionDenied(_("Only the host associations and coordinators record attendance."))
        if not isinstance(request.data, dict):
            return Response({"detail": _("Send a JSON object.")}, status=status.HTTP_400_BAD_REQUEST)
        data = AttendanceInput(data=request.data)
        data.is_valid(raise_exception=True)
        occurrence = services.attendance_record(
            actor=request.user,
            booking=booking,
            start=data.validated_data["occurrence"],
            participants=data.validated_data["participants"],
        )
        return Response(
            {
                "booking": booking.pk,
                "occurrence": local_iso(occurrence.start, booking_tz(booking)),
                "participants": occurrence.attendance,
            }
        )
