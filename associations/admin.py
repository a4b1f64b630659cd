from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Association, Invitation, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "contact_email", "business_id", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "contact_email", "business_id"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["status", "decision_reason", "created_by", "created_at", "decided_by", "decided_at"]
    inlines = [MembershipInline]
    actions = ["approve"]

    @admin.action(description=_("Approve the selected pending associations"))
    def approve(self, request, queryset):
        # Through the service, so the registrant is mailed and the audit trail written.
        for association in queryset.filter(status=Association.Status.PENDING):
            try:
                services.association_approve(actor=request.user, association=association)
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, f"{association}: {error}", messages.ERROR)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "association", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "association__name"]
    list_select_related = ["user", "association"]
    autocomplete_fields = ["user", "association"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "association", "role", "created_at", "expires_at", "accepted_at"]
    search_fields = ["email", "association__name"]
    list_select_related = ["association"]
    readonly_fields = ["token", "invited_by", "created_at", "accepted_at", "accepted_by"]
