from django.urls import path

from . import views

app_name = "venues"

urlpatterns = [
    path("venues/", views.venue_list, name="list"),
    path("venues/<slug:slug>/", views.venue_detail, name="venue"),
    path("venues/<slug:venue_slug>/<slug:room_slug>/", views.room_detail, name="room"),
]
