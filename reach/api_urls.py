from django.urls import path

from . import api

app_name = "linkedevents"

# Trailing slashes and "source:id" identifiers, as linkedevents writes them.
urlpatterns = [
    path("event/", api.event_list, name="events"),
    path("event/<str:event_id>/", api.event_detail, name="event"),
    path("place/<str:place_id>/", api.place_detail, name="place"),
    path("keyword/<str:keyword_id>/", api.keyword_detail, name="keyword"),
    path("image/<int:pk>/", api.image_detail, name="image"),
]
