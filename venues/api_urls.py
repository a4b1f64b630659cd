from django.urls import path

from . import api

urlpatterns = [
    path("municipalities", api.MunicipalityList.as_view(), name="api-municipalities"),
    path("venues", api.VenueList.as_view(), name="api-venues"),
    path("rooms", api.RoomList.as_view(), name="api-rooms"),
]
