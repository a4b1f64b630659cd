from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import privacy, services
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

    # Deleting an association erases it instead (associations.privacy): the row stays for the
    # bookings, co-hostings and statistics that point at it, so nothing is ever PROTECTed.
    def get_deleted_objects(self, objs, request):
        erased = [
            gettext(
                "%(name)s: name and contact details erased, members removed, coming dates "
                "cancelled; bookings and statistics kept"
            )
            % {"name": association.name}
            for association in objs
        ]
        return erased, {}, set(), []

    def log_deletions(self, request, queryset):
        # Nothing is deleted; the erasure writes its own audit entry.
        return []

    def delete_model(self, request, obj):
        if obj.status != Association.Status.REMOVED:
            privacy.erase_association(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for association in queryset.exclude(status=Association.Status.REMOVED):
            privacy.erase_association(association, actor=request.user)


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


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class ErasingUserAdmin(UserAdmin):
    """Deleting a user goes through privacy.erase_user: its checks, and the audit trail scrubbed."""

    def delete_view(self, request, object_id, extra_context=None):
        user = self.get_object(request, unquote(object_id))
        problems = privacy.erase_user_problems(user) if user is not None else []
        if problems:
            self.message_user(request, " ".join(problems), messages.ERROR)
            return redirect(reverse("admin:auth_user_change", args=[user.pk]))
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # The bulk action has no place for a refusal but the "protected" list: name it there.
        protected = list(protected) + [p for user in objs for p in privacy.erase_user_problems(user)]
        return deleted, counts, perms_needed, protected

    def log_deletions(self, request, queryset):
        # The history entry must not keep the username the erasure removes.
        return []

    def delete_model(self, request, obj):
        privacy.erase_user(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            privacy.erase_user(user, actor=request.user)
