from django.urls import path

from . import views

app_name = "reach"

urlpatterns = [
    path("calendar/print/", views.print_week, name="print"),
]
