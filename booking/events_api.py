"""GET /api/v1/events: the open-data list of calendar items (CONTRACT.md)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import APIView

from .calendar_query import parse_filters, parse_moment
from .selectors import CalendarItem, calendar_item_pages

MAX_RANGE = timedelta(days=366)


class HostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CalendarItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    start = serializers.SerializerMethodField()
    end = serializers.SerializerMethodField()
    status = serializers.CharField()
    venue = serializers.SerializerMethodField()
    rooms = serializers.SerializerMethodField()
    hosts = HostSerializer(many=True)
    category = serializers.SerializerMethodField()
    audience = serializers.CharField()
    url = serializers.SerializerMethodField()
    # CONTRACT.md: `booking` is the id of the booking the occurrence belongs to, so a
    # client can cancel or fetch the series an item came from.
    booking = serializers.SerializerMethodField()

    # Times in the venue's own zone, with its offset: readable and unambiguous.
    def get_start(self, item: CalendarItem) -> str:
        return item.local_start.isoformat()

    def get_end(self, item: CalendarItem) -> str:
        return item.local_end.isoformat()

    def get_venue(self, item: CalendarItem) -> int | None:
        return item.venue.id if item.venue else None

    def get_rooms(self, item: CalendarItem) -> list[int]:
        return [room.id for room in item.rooms]

    def get_category(self, item: CalendarItem) -> int | None:
        return item.booking.category_id

    def get_booking(self, item: CalendarItem) -> int:
        return item.booking.id

    def get_url(self, item: CalendarItem) -> str:
        return self.context["request"].build_absolute_uri(reverse("calendar:event", args=[item.id]))


def _id_param(name: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, int, many=True, description=_("Filter by %(name)s id; repeatable.") % {"name": name}
    )


class EventList(APIView):
    """Calendar items overlapping [start, end).

    Anonymous callers get confirmed public items; with a token, also the private and
    pending items of the caller's own associations. `start` and `end` are ISO 8601
    date-times with a UTC offset, or plain dates (YYYY-MM-DD) meaning midnight in the
    service's time zone (Europe/Helsinki). At most 366 days at a time.
    """

    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, required=True),
            OpenApiParameter("end", str, required=True),
            _id_param("municipality"),
            _id_param("venue"),
            _id_param("room"),
            _id_param("association"),
            _id_param("category"),
            _id_param("booking"),
            OpenApiParameter("audience", str, many=True),
        ],
        responses=CalendarItemSerializer(many=True),
    )
    def get(self, request):
        filters, errors = parse_filters(request.query_params)
        start, error = parse_moment(request.query_params.get("start"))
        if error:
            errors["start"] = [error]
        end, error = parse_moment(request.query_params.get("end"))
        if error:
            errors["end"] = [error]
        if start and end and "end" not in errors:
            if end <= start:
                errors["end"] = [_("The end must be after the start.")]
            elif end - start > MAX_RANGE:
                errors["end"] = [_("Ask for at most 366 days at a time.")]
        if errors:
            raise ValidationError(errors)

        # Counted and sliced in SQL: a page costs the same however many items the window holds.
        items = calendar_item_pages(start=start, end=end, user=request.user, **filters)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(items, request, view=self)
        data = CalendarItemSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)
