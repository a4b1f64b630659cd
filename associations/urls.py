from django.urls import path

from . import views

app_name = "associations"

urlpatterns = [
    path("associations/", views.association_list, name="list"),
    path("associations/new/", views.association_create, name="new"),
    path("associations/<slug:slug>/", views.association_detail, name="detail"),
    path("associations/<slug:slug>/members/", views.members, name="members"),
    path("associations/<slug:slug>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path(
        "associations/<slug:slug>/members/<int:pk>/make-admin/",
        views.member_make_admin,
        name="member_make_admin",
    ),
    # Tokens are URL-safe base64; the slug converter keeps junk such as NUL bytes (PostgreSQL
    # rejects them with an error) away from the database.
    path("invitations/<slug:token>/", views.invitation, name="invitation"),
    path("coordinator/associations/", views.pending_list, name="pending"),
    path("coordinator/associations/<slug:slug>/approve/", views.association_approve, name="approve"),
    path("coordinator/associations/<slug:slug>/reject/", views.association_reject, name="reject"),
    path("my/", views.my_page, name="my"),
]
