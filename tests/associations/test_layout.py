"""The shared layout: landmarks, language switcher, no inline styles or scripts (the CSP blocks them)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_home_page_has_landmarks_and_a_skip_link(client):
    response = client.get("/")
    assert response.status_code == 200
    for marker in ["<header", "<nav", '<main id="main"', "<footer", 'href="#main"']:
        assert marker in response.text


def test_the_language_switcher_posts_to_set_language(client):
    response = client.get("/venues/")
    assert 'action="/i18n/setlang/"' in response.text
    for code in ("fi", "sv", "en"):
        assert f'name="language" value="{code}"' in response.text


def test_switching_language_changes_html_lang(client):
    response = client.post("/i18n/setlang/", {"language": "sv", "next": "/venues/"})
    assert response.status_code == 302
    assert '<html lang="sv">' in client.get("/venues/").text


def test_html_lang_follows_accept_language(client):
    assert '<html lang="en">' in client.get("/", HTTP_ACCEPT_LANGUAGE="en").text
    assert '<html lang="fi">' in client.get("/").text


@pytest.mark.parametrize("path", ["/", "/venues/", "/associations/", "/accounts/login/", "/accounts/signup/"])
def test_pages_have_no_inline_styles_or_scripts(client, path):
    text = client.get(path).text
    assert " style=" not in text
    assert "<style" not in text
    assert not re.search(r"<script(?![^>]*\bsrc=)", text)


def test_signed_in_users_see_my_page_and_sign_out(client, users):
    client.force_login(users.member)
    text = client.get("/").text
    assert 'href="/my/"' in text
    assert 'action="/accounts/logout/"' in text
    assert 'href="/coordinator/"' not in text
    client.force_login(users.coordinator)
    assert 'href="/coordinator/"' in client.get("/").text
