from django.urls import path

from . import attendance_views, find_views, views

app_name = "booking"

urlpatterns = [
    path("rooms/free/", find_views.find_room, name="find_room"),
    path("rooms/<int:room_id>/week/", views.room_week, name="room_week"),
    path("bookings/new/", views.booking_new, name="new"),
    path("bookings/<int:pk>/", views.booking_detail, name="detail"),
    path("bookings/<int:pk>/edit/", views.booking_edit, name="edit"),
    path("bookings/<int:pk>/details/", views.booking_details_edit, name="details"),
    path("bookings/<int:pk>/cohosts/", views.booking_cohost_invite, name="cohost_invite"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="cancel"),
    path("bookings/<int:pk>/dates/<int:occurrence_id>/move/", views.occurrence_move, name="move"),
    path(
        "bookings/<int:pk>/dates/<int:occurrence_id>/attendance/", views.record_attendance, name="attendance"
    ),
    path(
        "bookings/<int:pk>/cohosts/<int:association_id>/<str:answer>/",
        views.cohost_answer,
        name="cohost_answer",
    ),
    path("my/bookings/", views.my_bookings, name="mine"),
    path("my/attendance/", attendance_views.attendance_list, name="attendance_list"),
]
