from django.contrib import admin

from venues.admin import CoordinatedAdmin

from .models import Proposal, WaitlistEntry


@admin.register(Proposal)
class ProposalAdmin(CoordinatedAdmin):
    venue_path = "room__venue"
    list_display = ["booking", "room", "start", "end", "status", "created_by", "created_at"]
    list_filter = ["status"]
    list_select_related = ["booking", "room__venue", "created_by"]
    raw_id_fields = ["booking", "occurrences"]
    readonly_fields = ["created_at", "answered_at", "answered_by", "created_by"]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(CoordinatedAdmin):
    venue_path = "room__venue"
    list_display = ["title", "association", "room", "start", "status", "offer_expires_at", "created_at"]
    list_filter = ["status"]
    list_select_related = ["association", "room__venue"]
    raw_id_fields = ["booking", "user"]
    readonly_fields = ["created_at"]
