from django.contrib import admin

from .models import Closure, CoordinatorScope, Municipality, OpeningHours, Room, Venue
from .permissions import coordinated_q, coordinates_all, may_coordinate


class CoordinatedAdmin(admin.ModelAdmin):
    """Rows of the venues the coordinator coordinates (venues/permissions.py), no others.

    venue_path is the lookup from the model to its venue ("" for Venue itself). A coordinator
    scoped to one municipality neither lists nor opens another's rows, and may pick only
    their own venues (and rooms) in a form. Django's model permissions still apply on top.
    """

    venue_path = "venue"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(coordinated_q(request.user, self.venue_path))

    def _venue_id_of(self, obj):
        if not self.venue_path:
            return obj.pk
        for part in self.venue_path.split("__"):
            obj = getattr(obj, part)
            if obj is None:
                return None
        return obj.pk

    def _may(self, request, obj) -> bool:
        return obj is None or may_coordinate(request.user, self._venue_id_of(obj))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Venue:
            kwargs["queryset"] = Venue.objects.filter(coordinated_q(request.user))
        elif db_field.related_model is Room:
            kwargs["queryset"] = Room.objects.select_related("venue").filter(
                coordinated_q(request.user, "venue")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class NationalOnlyAdmin(admin.ModelAdmin):
    """Municipalities and coordinators' areas: set by those who coordinate everything."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and coordinates_all(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and coordinates_all(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and coordinates_all(request.user)


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


@admin.register(Municipality)
class MunicipalityAdmin(NationalOnlyAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(CoordinatorScope)
class CoordinatorScopeAdmin(NationalOnlyAdmin):
    list_display = ["user", "municipality", "venue"]
    list_filter = ["municipality"]
    list_select_related = ["user", "municipality", "venue"]
    autocomplete_fields = ["user"]


@admin.register(Venue)
class VenueAdmin(CoordinatedAdmin):
    venue_path = ""
    list_display = ["name", "municipality", "address", "time_zone"]
    list_filter = ["municipality"]
    list_select_related = ["municipality"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoomInline, OpeningHoursInline, ClosureInline]


# RoomAdmin is registered in booking/admin.py: changing a room's buffer recomputes its
# bookings' dates there (booking.services.room_set_buffer), and venues sits below booking.


@admin.register(OpeningHours)
class OpeningHoursAdmin(CoordinatedAdmin):
    list_display = ["venue", "room", "weekday", "opens", "closes"]
    list_filter = ["venue", "weekday"]
    list_select_related = ["venue", "room"]


@admin.register(Closure)
class ClosureAdmin(CoordinatedAdmin):
    list_display = ["reason", "venue", "room", "start", "end"]
    list_filter = ["venue"]
    list_select_related = ["venue", "room"]
    date_hierarchy = "start"
