from django.urls import path

from . import views

app_name = "seasons"

urlpatterns = [
    path("seasons/", views.season_list, name="list"),
    path("seasons/<int:pk>/", views.season_detail, name="detail"),
    path("seasons/<int:pk>/apply/", views.application_new, name="apply"),
    path("seasons/applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("seasons/applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("coordinator/seasons/new/", views.season_new, name="new"),
    path("coordinator/seasons/<int:pk>/", views.allocation_page, name="allocation"),
    path("coordinator/seasons/<int:pk>/allocate/", views.allocate, name="allocate"),
    path("coordinator/seasons/<int:pk>/publish/", views.publish, name="publish"),
    path("coordinator/seasons/<int:pk>/report.csv", views.report_csv, name="report_csv"),
    path("coordinator/seasons/<int:pk>/pins/<int:application_id>/", views.pin, name="pin"),
]
