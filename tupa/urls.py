from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/", include("tupa.api_urls")),
    path("", include("venues.urls")),
    path("", include("associations.urls")),
    path("", include("booking.urls")),
    path("", include("booking.calendar_urls")),
    path("", include("reach.urls")),
    path("", include("stats.urls")),
    path("", include("desk.urls")),
    path("", include("seasons.urls")),
    path("", include("operations.urls")),
] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "tupa.views.bad_request"
handler403 = "tupa.views.permission_denied"
handler404 = "tupa.views.page_not_found"
handler500 = "tupa.views.server_error"
