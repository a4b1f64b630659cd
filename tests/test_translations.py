"""The Finnish and Swedish catalogues are complete, and the pages speak the language asked for."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED = ["fi", "sv"]

# %(name)s, %(n)d, %(hour)02d ...; "%%" is a literal percent sign, not a placeholder.
NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
POSITIONAL = re.compile(r"%(?!\()[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _catalog(language):
    with open(LOCALE_DIR / language / "LC_MESSAGES" / "django.po", "rb") as handle:
        return read_po(handle, locale=language)


def _messages(language):
    return [message for message in _catalog(language) if message.id]


def _label(message):
    return message.id if isinstance(message.id, str) else message.id[0]


def _placeholders(text):
    return sorted(NAMED.findall(text)), len(POSITIONAL.findall(text.replace("%%", "")))


@pytest.mark.parametrize("language", TRANSLATED)
def test_header_names_the_language_and_its_plural_forms(language):
    catalog = _catalog(language)
    assert not catalog.fuzzy, "the header is still marked fuzzy"
    assert str(catalog.locale) == language
    assert catalog.num_plurals == 2
    assert catalog.plural_expr.replace(" ", "") in ("(n!=1)", "n!=1")


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    untranslated, fuzzy = [], []
    for message in _messages(language):
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if not all(strings):
            untranslated.append(_label(message))
        if message.fuzzy:
            fuzzy.append(_label(message))
    assert not untranslated, f"{language}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_match_between_source_and_translation(language):
    mismatched = []
    for message in _messages(language):
        if not message.python_format:
            continue
        if isinstance(message.id, str):
            pairs = [(message.id, message.string)]
        else:
            singular, plural = message.id
            pairs = [(plural, string) for string in message.string[1:]]
            # msgstr[0] is the form for n == 1: it may leave the number out, but adds no names of its own.
            allowed = set(_placeholders(singular)[0]) | set(_placeholders(plural)[0])
            if not set(_placeholders(message.string[0])[0]) <= allowed:
                mismatched.append((singular, message.string[0]))
        for source, translation in pairs:
            if _placeholders(source) != _placeholders(translation):
                mismatched.append((source, translation))
    assert not mismatched, f"{language}: placeholders differ in {mismatched[:5]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_babel_checkers_find_no_errors(language):
    problems = [
        (_label(message), [str(error) for error in errors]) for message, errors in _catalog(language).check()
    ]
    assert not problems, f"{language}: {problems[:5]}"


@pytest.mark.django_db
def test_front_page_in_swedish(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="sv"' in content
    assert "Hoppa till innehållet" in content
    assert "Föreningar" in content
    assert "Skip to content" not in content


@pytest.mark.django_db
def test_front_page_in_finnish(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="fi"' in content
    assert "Siirry sisältöön" in content
    assert "Yhdistykset" in content
    assert "Skip to content" not in content
