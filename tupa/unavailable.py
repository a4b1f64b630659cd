"""A database that cannot be reached is a 503 "try again shortly", never a 500.

Sessions and authentication touch the database before any view runs, and Django turns an
exception in each middleware layer into a response right there, so no single middleware
sees them all: `DatabaseUnavailableMiddleware` answers for views (also under DEBUG), and
`tupa.views.server_error` (handler500) answers for whatever raised in a middleware.

The answer is built without the database: no session, no user, no context processors.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
UNAVAILABLE = (OperationalError, InterfaceError)


def is_unavailable(exc: BaseException | None) -> bool:
    """True for a database that is down or a connection that broke (also when wrapped)."""
    while exc is not None:
        if isinstance(exc, UNAVAILABLE):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def response(request) -> HttpResponse:
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)
    with translation.override(language):
        if request.path.startswith("/api/"):
            answer: HttpResponse = JsonResponse(
                {"detail": _("The service is temporarily unavailable. Please try again shortly.")},
                status=503,
            )
        else:
            html = render_to_string("tupa/503.html", {"language": language, "path": request.path})
            answer = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    answer["Retry-After"] = str(RETRY_AFTER_SECONDS)
    answer["Cache-Control"] = "no-store"
    return answer


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_unavailable(exception):
            log.error("database unavailable for %s %s: %s", request.method, request.path, exception)
            return response(request)
        return None
