import sys

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults, i18n
from django.views.decorators.cache import never_cache

from associations.services import profile_set_language
from venues.models import Municipality

from . import unavailable
from .cache import cache_status


def set_language(request):
    """Django's language switch, and for a signed-in person the language of their e-mails."""
    response = i18n.set_language(request)
    if request.method == "POST":
        profile_set_language(user=request.user, language=request.POST.get("language", ""))
    return response


def home(request):
    # A region's installation: residents start from their own municipality's calendar.
    municipalities = list(Municipality.objects.with_venues().only("id", "name"))
    return render(request, "home.html", {"municipalities": municipalities if len(municipalities) > 1 else []})


@never_cache
def healthz(request):
    # The load balancer asks: are the app and its database answering? The cache is
    # reported too, but Tupa serves without it, so it alone never makes this a 503.
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        database = "unavailable"
    body = {"status": "ok" if database == "ok" else "error", "database": database, "cache": cache_status()}
    response = JsonResponse(body, status=200 if database == "ok" else 503)
    if database != "ok":
        response["Retry-After"] = str(unavailable.RETRY_AFTER_SECONDS)
    return response


# Error pages. The API promises JSON errors ({"detail": ...}, CONTRACT.md) even for a URL no
# view matches, where Django would answer with the site's HTML page.


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("You do not have permission to do this.")}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    # Also the last stop for a database outage raised in a middleware (sessions, users).
    if unavailable.is_unavailable(sys.exc_info()[1]):
        return unavailable.response(request)
    if _is_api(request):
        return JsonResponse({"detail": _("Something went wrong on our side. Please try again.")}, status=500)
    return defaults.server_error(request)
