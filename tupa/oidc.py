"""Sign-in with the municipality's own accounts: allauth's OpenID Connect provider, configured
only by environment variables, so Entra ID, Keycloak or any OIDC server works unchanged.

OIDC_ISSUER      the issuer URL (its /.well-known/openid-configuration is read from it)
OIDC_CLIENT_ID   the client id registered for Tupa
OIDC_CLIENT_SECRET
OIDC_NAME        the button's text, e.g. "Joutsan kunnan tunnus" (default "Municipality account")

Off while OIDC_ISSUER or OIDC_CLIENT_ID is unset. The redirect URI to register at the issuer
is SITE_URL + /accounts/oidc/municipality/login/callback/.
"""

from __future__ import annotations

from collections.abc import Mapping

PROVIDER_ID = "municipality"


def providers_from_env(environ: Mapping[str, str]) -> dict:
    """SOCIALACCOUNT_PROVIDERS for allauth: the one OIDC app, or nothing when not configured."""
    issuer = environ.get("OIDC_ISSUER", "").strip()
    client_id = environ.get("OIDC_CLIENT_ID", "").strip()
    if not issuer or not client_id:
        return {}
    return {
        "openid_connect": {
            # PKCE as well as the secret: the code is useless to whoever intercepts it.
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": environ.get("OIDC_NAME", "").strip() or "Municipality account",
                    "client_id": client_id,
                    "secret": environ.get("OIDC_CLIENT_SECRET", ""),
                    "settings": {"server_url": issuer},
                }
            ],
        }
    }
