from django.urls import path

from . import views

app_name = "desk"

urlpatterns = [
    path("coordinator/", views.inbox, name="inbox"),
    path("coordinator/occurrences/<int:pk>/approve/", views.conflict_approve, name="conflict_approve"),
    path("coordinator/bookings/<int:pk>/", views.booking_detail, name="booking"),
    path("coordinator/bookings/<int:pk>/approve/", views.booking_approve, name="approve"),
    path("coordinator/bookings/<int:pk>/decline/", views.booking_decline_view, name="decline"),
    path("coordinator/bookings/<int:pk>/propose/", views.proposal_new, name="propose"),
    path("coordinator/closures/new/", views.closure_new, name="closure_new"),
    path("coordinator/audit/", views.audit_list, name="audit"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/accept/", views.proposal_accept, name="proposal_accept"),
    path("proposals/<int:pk>/decline/", views.proposal_decline, name="proposal_decline"),
    path("my/waitlist/", views.waitlist_mine, name="waitlist"),
    path("waitlist/join/", views.waitlist_join, name="waitlist_join"),
    path("waitlist/<int:pk>/accept/", views.waitlist_accept, name="waitlist_accept"),
    path("waitlist/<int:pk>/cancel/", views.waitlist_cancel, name="waitlist_cancel"),
]
