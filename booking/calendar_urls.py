from django.urls import path

from . import calendar_views

app_name = "calendar"

urlpatterns = [
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("calendar.ics", calendar_views.calendar_feed, name="feed"),
    path("events/<int:occurrence_id>/", calendar_views.event_detail, name="event"),
    path("events/<int:occurrence_id>.ics", calendar_views.event_ics, name="event-ics"),
]
