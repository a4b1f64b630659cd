from django.urls import path

from . import api

urlpatterns = [
    path("stats/usage", api.usage_view, name="stats-usage"),
]
