from django.urls import path

from . import views

app_name = "operations"

urlpatterns = [
    path("coordinator/associations/<slug:slug>/erase/", views.association_erase, name="erase"),
    path("my/delete/", views.account_delete, name="account_delete"),
]
