"""Season endpoints of the contract (CONTRACT.md "Seasons")."""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from associations.models import Association
from associations.permissions import is_coordinator, may_coordinate
from booking.models import Audience, Category
from booking.permissions import may_book_for
from tupa.fields import AwareDateTimeField
from tupa.ratelimits import WriteRateThrottle
from venues.models import Room, Venue

from . import selectors, services
from .models import MAX_WISHES, Application, Season
from .wording import hhmm

HHMM = re.compile(r"^\d{2}:\d{2}$")


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}$", "example": "18:00"})
class HHMMField(serializers.Field):
    """A local wall-clock time written HH:MM, two digits each (CONTRACT "Seasons")."""

    default_error_messages = {"invalid": _("Give the time as HH:MM, e.g. 18:00.")}

    def to_internal_value(self, data):
        if not isinstance(data, str) or not HHMM.match(data):
            self.fail("invalid")
        hour, minute = int(data[:2]), int(data[3:])
        if hour > 23 or minute > 59:
            self.fail("invalid")
        return time(hour, minute)

    def to_representation(self, value):
        return hhmm(value)


class SeasonInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    venue = serializers.PrimaryKeyRelatedField(queryset=Venue.objects.all())
    rooms = serializers.PrimaryKeyRelatedField(queryset=Room.objects.all(), many=True)
    start = serializers.DateField()
    end = serializers.DateField()
    applications_close = AwareDateTimeField()
    weekly_cap_hours = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.5"),
        required=False,
        allow_null=True,
        default=None,
    )
    priority_audiences = serializers.ListField(
        # "everyone" is nobody in particular: only the named groups can be served first.
        child=serializers.ChoiceField(choices=[c for c in Audience.choices if c[0] != Audience.EVERYONE]),
        required=False,
        default=list,
        max_length=10,
    )


class WishSerializer(serializers.Serializer):
    room = serializers.PrimaryKeyRelatedField(queryset=Room.objects.all())
    weekday = serializers.IntegerField(min_value=1, max_value=7)
    start = HHMMField()
    end = HHMMField()


class ApplicationInput(serializers.Serializer):
    association = serializers.PrimaryKeyRelatedField(queryset=Association.objects.all())
    title = serializers.CharField(max_length=200)
    group_size = serializers.IntegerField(min_value=1, max_value=100_000)
    public = serializers.BooleanField(required=False, default=True)
    wishes = WishSerializer(many=True, allow_empty=True, max_length=MAX_WISHES)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    audience = serializers.ChoiceField(choices=Audience.choices, required=False, default=Audience.EVERYONE)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True, default=None
    )


def season_data(season: Season) -> dict:
    tz = season.venue.tz
    return {
        "id": season.pk,
        "name": season.name,
        "venue": season.venue_id,
        "rooms": sorted(r.pk for r in season.rooms.all()),
        "start": season.start.isoformat(),
        "end": season.end.isoformat(),
        "applications_close": timezone.localtime(season.applications_close, tz).isoformat(),
        "status": season.status,
        "weekly_cap_minutes": season.weekly_cap_minutes,
        "priority_audiences": list(season.priority_audiences or []),
    }


def application_data(application: Application, season: Season, reason: str | None = None) -> dict:
    outcome = selectors.outcome_of(application)
    granted = None
    published = season.phase == Season.Phase.PUBLISHED
    if published and outcome is not None and outcome.granted:
        granted = {
            "wish": outcome.wish,
            "room": outcome.room_id,
            "weekday": outcome.weekday,
            "start": hhmm(outcome.start),
            "end": hhmm(outcome.end),
            "booking": outcome.booking_id,
            "left_out": outcome.left_out,
        }
    return {
        "id": application.pk,
        "season": application.season_id,
        "association": application.association_id,
        "title": application.title,
        "group_size": application.group_size,
        "public": application.is_public,
        "description": application.description,
        "audience": application.audience,
        "category": application.category_id,
        "wishes": [
            {"room": w.room_id, "weekday": w.weekday, "start": hhmm(w.start), "end": hhmm(w.end)}
            for w in application.wishes.all()
        ],
        "status": application.status,
        "granted": granted,
        "reason": reason if published else None,
    }


def proposal_data(season: Season) -> dict:
    applications = selectors.all_applications(season)
    texts = selectors.outcome_texts(season, applications)
    granted, refused = [], []
    for application in applications:
        outcome = selectors.outcome_of(application)
        if outcome is None:
            continue
        if outcome.granted:
            granted.append(
                {
                    "application": application.pk,
                    "wish": outcome.wish,
                    "room": outcome.room_id,
                    "weekday": outcome.weekday,
                    "start": hhmm(outcome.start),
                    "end": hhmm(outcome.end),
                    "explanation": texts[application.pk] if outcome.wish != 1 else "",
                }
            )
        else:
            refused.append(
                {"application": application.pk, "reason": texts[application.pk], "code": outcome.code}
            )
    return {
        "season": season.pk,
        "status": season.status,
        "optimal": bool(season.proposal_optimal),
        "stages": season.proposal_stages,
        "granted": granted,
        "refused": refused,
    }


class SeasonWriteThrottle(WriteRateThrottle):
    """The house's write limit, except for coordinators: at a deadline they type in the paper
    applications of a whole season (hundreds) and then allocate; volunteers stay limited."""

    def allow_request(self, request, view):
        if is_coordinator(request.user):
            return True
        return super().allow_request(request, view)


class SeasonPagination(PageNumberPagination):
    page_size = 50


class ApplicationPagination(PageNumberPagination):
    # A whole season (the contract's largest is 500 applications) fits on one page.
    page_size = 1000
    page_size_query_param = "page_size"
    max_page_size = 1000


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid input, with messages per field"),
    401: OpenApiResponse(OpenApiTypes.OBJECT, description="No or an invalid token"),
    403: OpenApiResponse(OpenApiTypes.OBJECT, description="Not allowed for this user"),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such season"),
}
# What a write on one season answers besides its success: every error above.
WRITE_ERRORS = {code: ERRORS[code] for code in (400, 401, 403, 404)}


def _load(pk: int) -> Season:
    return get_object_or_404(selectors.seasons(), pk=pk)


class SeasonsView(APIView):
    throttle_classes = [SeasonWriteThrottle]

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else []

    @extend_schema(operation_id="seasons_list", responses={200: OpenApiTypes.OBJECT, 404: ERRORS[404]})
    def get(self, request):
        paginator = SeasonPagination()
        page = paginator.paginate_queryset(selectors.seasons().order_by("-start", "pk"), request, view=self)
        return paginator.get_paginated_response([season_data(s) for s in page])

    @extend_schema(
        operation_id="seasons_create",
        request=SeasonInput,
        responses={201: OpenApiTypes.OBJECT, 400: ERRORS[400], 401: ERRORS[401], 403: ERRORS[403]},
    )
    def post(self, request):
        if not is_coordinator(request.user):
            raise PermissionDenied(_("Only coordinators open seasons."))
        data = SeasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        cap = v["weekly_cap_hours"]
        season = services.season_create(
            actor=request.user,
            name=v["name"],
            venue=v["venue"],
            rooms=v["rooms"],
            start=v["start"],
            end=v["end"],
            applications_close=v["applications_close"],
            weekly_cap_minutes=int(cap * 60) if cap is not None else None,
            priority_audiences=v["priority_audiences"],
        )
        return Response(season_data(_load(season.pk)), status=status.HTTP_201_CREATED)


class SeasonView(APIView):
    permission_classes: list = []

    @extend_schema(operation_id="season_retrieve", responses={200: OpenApiTypes.OBJECT, 404: ERRORS[404]})
    def get(self, request, pk: int):
        return Response(season_data(_load(pk)))


def _association_in(data) -> Association | None:
    """The association a request body names, or None; read before validating (403 first)."""
    if not isinstance(data, dict):
        return None
    value = data.get("association")
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    if isinstance(value, str) and not value.strip().isdigit():
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**31:
        return None
    return Association.objects.filter(pk=pk).first()


class ApplicationsView(APIView):
    throttle_classes = [SeasonWriteThrottle]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="season_applications_list",
        responses={200: OpenApiTypes.OBJECT, 401: ERRORS[401], 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        season = _load(pk)
        paginator = ApplicationPagination()
        page = paginator.paginate_queryset(
            selectors.applications_for(request.user, season), request, view=self
        )
        texts = selectors.outcome_texts(season, page) if season.phase == Season.Phase.PUBLISHED else {}
        return paginator.get_paginated_response([application_data(a, season, texts.get(a.pk)) for a in page])

    @extend_schema(
        operation_id="season_applications_create",
        request=ApplicationInput,
        responses={201: OpenApiTypes.OBJECT, **WRITE_ERRORS},
    )
    def post(self, request, pk: int):
        season = _load(pk)
        if not may_coordinate(request.user, season.venue_id):
            association = _association_in(request.data)
            if association is None or not may_book_for(request.user, association, venue_id=season.venue_id):
                raise PermissionDenied(_("You may not apply for this association."))
        data = ApplicationInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        application = services.application_submit(
            actor=request.user,
            season=season,
            association=v["association"],
            title=v["title"],
            group_size=v["group_size"],
            wishes=[services.WishInput(w["room"], w["weekday"], w["start"], w["end"]) for w in v["wishes"]],
            is_public=v["public"],
            description=v["description"],
            audience=v["audience"],
            category=v["category"],
        )
        loaded = selectors.applications_for(request.user, season).get(pk=application.pk)
        return Response(application_data(loaded, season), status=status.HTTP_201_CREATED)


class AllocateView(APIView):
    throttle_classes = [SeasonWriteThrottle]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: OpenApiTypes.OBJECT, **WRITE_ERRORS},
    )
    def post(self, request, pk: int):
        season = _load(pk)
        services.season_allocate(actor=request.user, season=season)
        return Response(proposal_data(_load(pk)))


class PublishView(APIView):
    throttle_classes = [SeasonWriteThrottle]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: OpenApiTypes.OBJECT, **WRITE_ERRORS},
    )
    def post(self, request, pk: int):
        season = _load(pk)
        result = services.season_publish(actor=request.user, season=season)
        body = season_data(_load(pk))
        body["booked"] = [
            {"application": o.application_id, "booking": o.booking_id, "left_out": o.left_out}
            for o in result.booked
        ]
        body["already_published"] = result.already
        return Response(body)
