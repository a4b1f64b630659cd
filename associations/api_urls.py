from django.urls import path

from . import api

urlpatterns = [
    path("associations", api.AssociationList.as_view(), name="api-associations"),
    path("me", api.MeView.as_view(), name="api-me"),
]
