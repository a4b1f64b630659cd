from django.contrib import admin

from .models import AuditEntry


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
