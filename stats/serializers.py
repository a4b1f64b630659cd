"""The shape of GET /api/v1/stats/usage, for the OpenAPI description (CONTRACT.md fixes it)."""

from rest_framework import serializers


class RoomUsageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    open_hours = serializers.FloatField(help_text="opening hours less closures, 2 decimals")
    booked_hours = serializers.FloatField(help_text="confirmed occurrences clipped to the period, 2 decimals")
    utilization = serializers.FloatField(help_text="booked_hours / open_hours, 4 decimals; 0 when never open")


class AssociationUsageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    booked_hours = serializers.FloatField()
    events = serializers.IntegerField(help_text="confirmed occurrences overlapping the period")
    participants = serializers.IntegerField(
        help_text="visits recorded at those dates (joint events count for each host)"
    )
    recorded_events = serializers.IntegerField(help_text="those dates with a recorded count")


class MonthUsageSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM, local time")
    open_hours = serializers.FloatField()
    booked_hours = serializers.FloatField()
    utilization = serializers.FloatField()
    participants = serializers.IntegerField(
        help_text=(
            "visits recorded at dates starting that month: the rooms listed, and dates held "
            "elsewhere when no venue is chosen"
        )
    )
    recorded_events = serializers.IntegerField(help_text="dates starting that month with a recorded count")


class UsageSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    rooms = RoomUsageSerializer(many=True)
    associations = AssociationUsageSerializer(many=True)
    by_month = MonthUsageSerializer(many=True)
