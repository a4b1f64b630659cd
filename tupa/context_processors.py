from django.conf import settings
from django.utils.functional import SimpleLazyObject

from venues.permissions import is_coordinator


def site(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)

    def count() -> int:
        from desk.notices import notice_count  # the desk builds on this project package

        return notice_count(user)

    return {
        "SITE_URL": settings.SITE_URL,
        "SITE_NAME": settings.SITE_NAME,
        "is_coordinator": bool(signed_in and is_coordinator(user)),
        # Lazy: counted only on pages that show it (the navigation, for those signed in).
        "notice_count": SimpleLazyObject(count) if signed_in else 0,
    }
