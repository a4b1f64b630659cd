"""Staff sign-in with the municipality's own accounts: allauth's OpenID Connect provider,
configured by OIDC_* environment variables only, off when they are unset."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from tupa.oidc import providers_from_env

pytestmark = [pytest.mark.django_db]


def test_it_is_off_without_the_variables():
    assert providers_from_env({}) == {}
    assert providers_from_env({"OIDC_ISSUER": "https://login.example"}) == {}
    assert providers_from_env({"OIDC_CLIENT_ID": "tupa"}) == {}


def test_the_login_page_shows_no_provider_by_default(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    html = Client().get("/accounts/login/").content.decode()
    assert "/accounts/oidc/" not in html


@pytest.fixture
def issuer():
    """A stand-in identity provider that serves its discovery document, like Keycloak does."""

    class Discovery(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            base = f"http://127.0.0.1:{self.server.server_port}/realms/joutsa"
            if self.path != "/realms/joutsa/.well-known/openid-configuration":
                self.send_error(404)
                return
            body = json.dumps(
                {
                    "issuer": base,
                    "authorization_endpoint": f"{base}/protocol/openid-connect/auth",
                    "token_endpoint": f"{base}/protocol/openid-connect/token",
                    "userinfo_endpoint": f"{base}/protocol/openid-connect/userinfo",
                    "jwks_uri": f"{base}/protocol/openid-connect/certs",
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Discovery)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/realms/joutsa"
    server.shutdown()


@pytest.fixture
def configured(settings, issuer):
    settings.SOCIALACCOUNT_PROVIDERS = providers_from_env(
        {
            "OIDC_ISSUER": issuer,
            "OIDC_CLIENT_ID": "tupa-joutsa",
            "OIDC_CLIENT_SECRET": "s3cret",
            "OIDC_NAME": "Joutsan kunnan tunnus",
        }
    )
    return issuer


def test_the_login_page_offers_the_municipality_account(configured):
    html = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "Joutsan kunnan tunnus" in html
    assert "/accounts/oidc/municipality/login/" in html


def test_signing_in_sends_the_browser_to_the_issuer_with_pkce(configured):
    client = Client()
    response = client.post("/accounts/oidc/municipality/login/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{configured}/protocol/openid-connect/auth"
    query = parse_qs(target.query)
    assert query["client_id"] == ["tupa-joutsa"]
    assert query["response_type"] == ["code"]
    assert "openid" in query["scope"][0].split()
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["redirect_uri"][0].endswith("/accounts/oidc/municipality/login/callback/")
    assert "s3cret" not in response["Location"]
