"""allauth, adapted: its e-mails go through the task queue, in the recipient's language, with
the site's name and links from settings; and a failed sign-in counts against the pair
(client address, login), not the login alone.

allauth's default `login_failed` limit keys on the login only and is checked before the
password: five wrong passwords from anywhere locked the real owner out, correct password
and all. Keyed on address + login, a stranger elsewhere exhausts only their own tries;
the per-address limit (ACCOUNT_RATE_LIMITS) still stops one address trying many logins.

Without django.contrib.sites, allauth names the site after the request's host ("Hello from
127.0.0.1:8121!") and builds its links on that host; a mail read later, or sent behind a
proxy, must point at SITE_URL instead.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip
from django.conf import settings
from django.utils import translation

from associations.language import LANGUAGE_CODES, chosen_languages
from associations.services import profile_set_language

from . import mail


def site() -> SimpleNamespace:
    """What allauth's templates read as current_site: {{ current_site.name }} and .domain."""
    return SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def on_site(url: str) -> str:
    """The same path on SITE_URL, whatever host the request came in on."""
    parts = urlsplit(url)
    base = urlsplit(settings.SITE_URL)
    return urlunsplit(
        (base.scheme, base.netloc, base.path.rstrip("/") + parts.path, parts.query, parts.fragment)
    )


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.SITE_NAME}] {subject}"

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return on_site(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key: str) -> str:
        return on_site(super().get_reset_password_from_key_url(key))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from allauth.core import context as allauth_context

        request = allauth_context.request
        ctx = {"request": request, "email": email, **context, "current_site": site()}
        for name in ("signup_url", "password_reset_url", "activate_url"):
            if isinstance(ctx.get(name), str) and "://" in ctx[name]:
                ctx[name] = on_site(ctx[name])
        # The recipient asked for this mail (signed up, forgot a password): the language
        # they chose, else the one they are using the site in (Finnish by default).
        language = chosen_languages([email]).get(email.lower()) or translation.get_language()
        with translation.override(language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE):
            message = self.render_mail(template_prefix, email, ctx)
        mail.queue(message)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        # A language picked with the switcher before signing up is a choice: keep it for e-mails.
        # The browser's Accept-Language alone is not; those get Finnish (CONTRACT.md).
        picked = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) if request else None
        if commit and picked:
            profile_set_language(user=user, language=picked)
        return user

    def _get_login_attempts_cache_key(self, request, **credentials: Any) -> str:
        return f"{get_ip(request)}|{super()._get_login_attempts_cache_key(request, **credentials)}"
