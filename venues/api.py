"""Read-only open data: venues and rooms."""

from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from .models import Room, Venue


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


class VenueList(generics.ListAPIView):
    queryset = Venue.objects.order_by("id")
    serializer_class = VenueSerializer


class RoomList(generics.ListAPIView):
    serializer_class = RoomSerializer

    def get_queryset(self):
        rooms = Room.objects.select_related("venue").filter(is_active=True).order_by("id")
        venue = self.request.query_params.get("venue")
        if venue is not None:
            if not venue.isdigit():
                raise ValidationError({"venue": ["Give a venue id (a whole number)."]})
            rooms = rooms.filter(venue_id=int(venue))
        return rooms
