from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("stats/", views.stats_page, name="usage"),
    path("stats/report/", views.funder_report, name="report"),
    path("stats/<slug:name>.csv", views.stats_csv, name="csv"),
]
