"""Which language to write to whom: the recipient's own choice, else the association's, else
the site's default (Finnish). One query for any number of addresses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db.models.functions import Lower

from .models import Association, Profile

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def default_language(association: Association | None = None) -> str:
    if association is not None and association.language in LANGUAGE_CODES:
        return association.language
    return settings.LANGUAGE_CODE


def chosen_languages(addresses: Iterable[str]) -> dict[str, str]:
    """address (lower-cased) → the language its user chose, for those who chose one."""
    wanted = {a.strip().lower() for a in addresses if a and a.strip()}
    if not wanted:
        return {}
    # Addresses are stored as typed: compare them lower-cased, in the one query.
    rows = (
        Profile.objects.exclude(language="")
        .annotate(address=Lower("user__email"))
        .filter(address__in=wanted)
        .values_list("address", "language")
    )
    return {address: language for address, language in rows if language in LANGUAGE_CODES}


def by_language(addresses: Iterable[str], *, association: Association | None = None) -> dict[str, list[str]]:
    """Group addresses by the language to write to them in, each group sorted."""
    addresses = sorted({a for a in addresses if a})
    chosen = chosen_languages(addresses)
    fallback = default_language(association)
    groups: dict[str, list[str]] = defaultdict(list)
    for address in addresses:
        groups[chosen.get(address.lower(), fallback)].append(address)
    return dict(sorted(groups.items()))


def language_of(user, *, association: Association | None = None) -> str:
    profile = Profile.objects.filter(user_id=getattr(user, "pk", None)).exclude(language="").first()
    if profile is not None and profile.language in LANGUAGE_CODES:
        return profile.language
    return default_language(association)
