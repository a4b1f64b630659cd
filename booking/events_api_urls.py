from django.urls import path

from .events_api import EventList

urlpatterns = [
    path("events", EventList.as_view(), name="api-events"),
]
