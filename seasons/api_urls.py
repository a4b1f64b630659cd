from django.urls import path

from . import api

urlpatterns = [
    path("seasons", api.SeasonsView.as_view(), name="api-seasons"),
    path("seasons/<int:pk>", api.SeasonView.as_view(), name="api-season"),
    path("seasons/<int:pk>/applications", api.ApplicationsView.as_view(), name="api-season-applications"),
    path("seasons/<int:pk>/allocate", api.AllocateView.as_view(), name="api-season-allocate"),
    path("seasons/<int:pk>/publish", api.PublishView.as_view(), name="api-season-publish"),
]
