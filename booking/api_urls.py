from django.urls import path

from . import api

urlpatterns = [
    path("bookings", api.BookingsView.as_view(), name="api-bookings"),
    path("bookings/<int:pk>", api.BookingView.as_view(), name="api-booking"),
    path("bookings/<int:pk>/attendance", api.AttendanceView.as_view(), name="api-booking-attendance"),
    path("bookings/<int:pk>/cancel", api.CancelView.as_view(), name="api-booking-cancel"),
    path(
        "bookings/<int:pk>/cohosts/<int:association_id>/accept",
        api.CohostAnswerView.as_view(accept=True),
        name="api-cohost-accept",
    ),
    path(
        "bookings/<int:pk>/cohosts/<int:association_id>/decline",
        api.CohostAnswerView.as_view(accept=False),
        name="api-cohost-decline",
    ),
]
