"""allauth, adapted: its e-mails go through the task queue, and a failed sign-in counts
against the pair (client address, login), not the login alone.

allauth's default `login_failed` limit keys on the login only and is checked before the
password: five wrong passwords from anywhere locked the real owner out, correct password
and all. Keyed on address + login, a stranger elsewhere exhausts only their own tries;
the per-address limit (ACCOUNT_RATE_LIMITS) still stops one address trying many logins.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip

from . import mail


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        mail.queue(self.render_mail(template_prefix, email, ctx))

    def _get_login_attempts_cache_key(self, request, **credentials: Any) -> str:
        return f"{get_ip(request)}|{super()._get_login_attempts_cache_key(request, **credentials)}"
