"""Deleting an association or a user in the admin erases them through operations.privacy.

Registered here, not in associations/admin.py, because the erasure reaches into booking and
desk, which sit above associations; this app is the one allowed to import them all.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext

from associations.admin import AssociationAdmin
from associations.models import Association

from . import privacy

admin.site.unregister(Association)


@admin.register(Association)
class ErasingAssociationAdmin(AssociationAdmin):
    # Deleting an association erases it instead (operations.privacy): the row stays for the
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
