from django.contrib import admin

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


# RoomAdmin is registered in booking/admin.py: changing a room's buffer recomputes its
# bookings' dates there (booking.services.room_set_buffer), and venues sits below booking.


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
