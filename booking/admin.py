from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from venues.admin import CoordinatedAdmin
from venues.models import Room

from .models import Booking, Category, CoHost, Occurrence
from .services import BookingConflict, buffer_collisions, room_set_buffer


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_fi", "name_sv", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


class OccurrenceInline(admin.TabularInline):
    # Dates come from the booking service (recurrence expansion, conflict checks); never edited by hand.
    model = Occurrence
    extra = 0
    can_delete = False
    fields = ["start", "end", "room", "status", "attendance", "unused"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CoHostInline(admin.TabularInline):
    model = CoHost
    extra = 0
    readonly_fields = ["invited_at", "responded_at", "responded_by"]


@admin.register(Booking)
class BookingAdmin(CoordinatedAdmin):
    venue_path = "room__venue"

    list_display = ["title", "association", "room", "start", "status", "is_public"]
    list_filter = ["status", "is_public", "room__venue", "category"]
    search_fields = ["title", "association__name"]
    list_select_related = ["association", "room", "room__venue"]
    date_hierarchy = "start"
    readonly_fields = ["created_by", "created_at", "updated_at", "sequence"]
    inlines = [OccurrenceInline, CoHostInline]


@admin.register(CoHost)
class CoHostAdmin(CoordinatedAdmin):
    venue_path = "booking__room__venue"
    list_display = ["booking", "association", "status", "invited_at", "responded_at"]
    list_filter = ["status"]
    list_select_related = ["booking", "association"]


class RoomAdminForm(forms.ModelForm):
    class Meta:
        model = Room
        exclude: list[str] = []  # RoomAdmin.fieldsets chooses the fields

    def clean_buffer_minutes(self):
        minutes = self.cleaned_data["buffer_minutes"]
        if self.instance.pk and minutes is not None and minutes != self.instance.buffer_minutes:
            collisions = buffer_collisions(self.instance, minutes)
            if collisions:
                tz = self.instance.venue.tz
                stamp = "%d.%m.%Y %H:%M"
                when = ", ".join(
                    f"{c.requested_start.astimezone(tz):{stamp}} / {c.start.astimezone(tz):{stamp}}"
                    for c in collisions[:10]
                )
                message = _(
                    "With this turnaround these dates would overlap: %(dates)s. "
                    "Move or cancel one of each pair first."
                )
                raise forms.ValidationError(message % {"dates": when})
        return minutes


@admin.register(Room)
class RoomAdmin(CoordinatedAdmin):
    """A room's turnaround buffer is part of every booked date (Occurrence.block_end), so a
    change goes through booking.services.room_set_buffer, which refuses what would overlap."""

    form = RoomAdminForm
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

    def save_model(self, request, obj, form, change):
        if change and "buffer_minutes" in form.changed_data:
            try:
                room_set_buffer(actor=request.user, room=obj, buffer_minutes=obj.buffer_minutes)
            except BookingConflict:
                # Someone booked in between the form's check and now: say so, save nothing.
                messages.error(request, _("The turnaround was not changed: a new booking overlaps it."))
                return
        super().save_model(request, obj, form, change)
