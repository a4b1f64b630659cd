from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Closure, OpeningHours, Room, Venue


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0
    fields = ["weekday", "opens", "closes", "room"]


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0
    fields = ["start", "end", "reason", "room"]


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    fields = ["name", "slug", "capacity", "requires_approval", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    show_change_link = True


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "time_zone"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoomInline, OpeningHoursInline, ClosureInline]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "venue", "capacity", "requires_approval", "buffer_minutes", "is_active"]
    list_filter = ["venue", "requires_approval", "is_active", "step_free_access", "hearing_loop"]
    search_fields = ["name", "venue__name"]
    list_select_related = ["venue"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["venue", "name", "slug", "description", "capacity", "equipment", "is_active"]}),
        (
            _("Accessibility"),
            {"fields": ["step_free_access", "hearing_loop", "accessible_toilet", "accessibility_notes"]},
        ),
        (
            _("Booking rules"),
            {
                "fields": [
                    "requires_approval",
                    "buffer_minutes",
                    "min_booking_minutes",
                    "max_booking_minutes",
                    "booking_horizon_days",
                    "weekly_hours_limit",
                ]
            },
        ),
    ]


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ["venue", "room", "weekday", "opens", "closes"]
    list_filter = ["venue", "weekday"]
    list_select_related = ["venue", "room"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["reason", "venue", "room", "start", "end"]
    list_filter = ["venue"]
    list_select_related = ["venue", "room"]
    date_hierarchy = "start"
