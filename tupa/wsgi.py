import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tupa.settings")

application = get_wsgi_application()

from django.conf import settings  # noqa: E402

if not settings.DEBUG and not settings.SECRET_KEY_FROM_ENV:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")

# Sign-in limits and API write throttling must count across every app server
# (tupa/ratelimits.py): a per-process store let 7 tries through a 5-try limit.
_limits = settings.CACHES.get("ratelimit", {}).get("BACKEND", "")
if not settings.DEBUG and _limits.rsplit(".", 1)[0] in (
    "django.core.cache.backends.locmem",
    "django.core.cache.backends.dummy",
    "",
):
    raise ImproperlyConfigured("The 'ratelimit' cache must be shared by all app servers (database or Redis).")
