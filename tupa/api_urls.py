"""Every API route, under /api/. Public shapes are fixed by CONTRACT.md."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/", include("venues.api_urls")),
    path("v1/", include("associations.api_urls")),
    path("v1/", include("booking.api_urls")),
    path("v1/", include("booking.events_api_urls")),
    path("v1/", include("stats.api_urls")),
    path("linkedevents/v1/", include("reach.api_urls")),
    path("v1/", include("seasons.api_urls")),
]
