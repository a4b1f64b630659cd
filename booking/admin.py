from django.contrib import admin

from .models import AuditEntry, Booking, Category, CoHost, Occurrence


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
class BookingAdmin(admin.ModelAdmin):
    list_display = ["title", "association", "room", "start", "status", "is_public"]
    list_filter = ["status", "is_public", "room__venue", "category"]
    search_fields = ["title", "association__name"]
    list_select_related = ["association", "room", "room__venue"]
    date_hierarchy = "start"
    readonly_fields = ["created_by", "created_at", "updated_at", "sequence"]
    inlines = [OccurrenceInline, CoHostInline]


@admin.register(CoHost)
class CoHostAdmin(admin.ModelAdmin):
    list_display = ["booking", "association", "status", "invited_at", "responded_at"]
    list_filter = ["status"]
    list_select_related = ["booking", "association"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "association", "booking", "message"]
    list_filter = ["action"]
    search_fields = ["action", "message", "association__name", "booking__title"]
    list_select_related = ["actor", "association", "booking"]
    date_hierarchy = "created_at"

    # The audit trail is evidence: nobody edits or deletes it, not even superusers.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
