"""Every response, of every URL, carries the browser-side protections CONTRACT.md promises."""

import pytest
from django.test import Client

from .conftest import all_routes, build_url


def _directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def _problems(response, label: str) -> list[str]:
    problems = []
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{label}: no X-Content-Type-Options: nosniff")
    policy = _directives(response.headers.get("Content-Security-Policy", ""))
    if "X-Frame-Options" not in response.headers and "frame-ancestors" not in policy:
        problems.append(f"{label}: neither X-Frame-Options nor CSP frame-ancestors")
    if response.headers.get("Content-Type", "").startswith("text/html"):
        if not policy:
            problems.append(f"{label}: HTML without a Content-Security-Policy")
        scripts = policy.get("script-src", policy.get("default-src", []))
        if "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts:
            problems.append(f"{label}: script-src allows inline or eval: {scripts}")
    return problems


@pytest.mark.parametrize("role", ["anonymous", "coordinator"])
def test_every_response_sends_the_security_headers(world, role):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world.users.coordinator)
    problems = []
    for route in all_routes():
        url = build_url(route, world)
        if url is None or route.name == "account_logout":
            continue
        response = client.get(url)
        problems += _problems(response, f"GET {url} as {role} ({response.status_code})")
    # Error pages too.
    for url in ["/no-such-page/", "/api/v1/no-such-endpoint"]:
        response = client.get(url)
        problems += _problems(response, f"GET {url} ({response.status_code})")
    assert not problems, "\n".join(problems)


def test_static_files_are_not_sniffed(client, db):
    response = client.get("/static/css/tupa.css")
    assert response.status_code == 200
    assert response.headers.get("X-Content-Type-Options") == "nosniff"


def test_static_files_send_a_framing_rule(client, db):
    assert not _problems(client.get("/static/css/tupa.css"), "GET /static/css/tupa.css")


def test_a_static_files_304_sends_the_headers_too(client, db):
    # WhiteNoise's 304 keeps only a few headers of the file's 200, the framing rule not among them.
    first = client.get("/static/css/tupa.css")
    again = client.get("/static/css/tupa.css", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert not _problems(again, "conditional GET /static/css/tupa.css")


def test_the_policy_allows_no_inline_script_anywhere(client, db):
    policy = _directives(client.get("/")["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] or "'unsafe-inline'" not in policy["script-src"]
    assert policy.get("frame-ancestors") == ["'none'"]
    assert policy.get("object-src") == ["'none'"]


def test_pages_carry_no_inline_script(world, client):
    """CSP would block them in the browser; keep the templates free of them."""
    import re

    offenders = []
    for route in all_routes():
        url = build_url(route, world)
        if url is None or route.name == "account_logout":
            continue
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode(errors="replace")
        for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
            if (
                "src=" not in tag
                and 'type="application/json"' not in tag
                and "application/ld+json" not in tag
            ):
                offenders.append(f"{url}: {tag}")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", html, flags=re.I):
            offenders.append(f"{url}: inline event handler attribute")
    assert not offenders, "\n".join(offenders)
