"""The OpenID Connect relying party: the authorization code flow with PKCE (S256), state and
nonce, through Authlib's Django client.

Authlib keeps the state, the nonce and the code verifier in the session (one entry per flow,
bound to the browser that started it), checks the state on the way back, sends the code with
its verifier to the token endpoint, and verifies the ID token: its RS256/ES256 signature
against the provider's JWKS (fetched again once when the key id is unknown: key rotation), and
its iss (the issuer of the discovery document), aud (our client id), exp and iat (with
LEEWAY_SECONDS of clock skew), nonce and at_hash. Here we add what Authlib leaves to the
application: the discovery document must name the configured issuer, compared as strings
exactly as configured (OpenID Connect Discovery 1.0, 4.3), and a token answer without an ID
token is a failure, never a sign-in.
"""

import functools
import logging

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from joserfc.errors import JoseError

log = logging.getLogger(__name__)

NAME = "idp"
LEEWAY_SECONDS = 60


class SignInFailed(Exception):
    """The provider's answer could not be trusted or did not arrive; the message is for the
    log (the person is told only that the sign-in failed)."""


def oidc_enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID)


@functools.lru_cache(maxsize=4)
def _client(issuer: str, client_id: str, client_secret: str, scopes: str, auth_method: str,
            timeout: float):
    """One Authlib client per configuration; it caches the discovery document and the JWKS
    for the life of the process (the JWKS is fetched again for an unknown key id). The
    issuer's trailing "/" is dropped only to build the document's URL (Discovery 1.0, 4.1)."""
    return OAuth().register(
        NAME, client_id=client_id, client_secret=client_secret,
        server_metadata_url=f"{issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={"scope": scopes, "code_challenge_method": "S256",
                       "token_endpoint_auth_method": auth_method, "default_timeout": timeout},
    )


def _provider():
    client = _client(settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET,
                     settings.OIDC_SCOPES, settings.OIDC_TOKEN_AUTH_METHOD,
                     settings.OIDC_TIMEOUT_SECONDS)
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        raise SignInFailed(f"discovery document not read: {exc}") from exc
    if metadata.get("issuer") != settings.OIDC_ISSUER:
        raise SignInFailed(f"the discovery document names the issuer {metadata.get('issuer')!r}, "
                           f"not {settings.OIDC_ISSUER!r}")
    return client


def oidc_authorize_redirect(request, redirect_uri: str):
    """The redirect to the provider's authorization endpoint, with a new state, nonce and
    PKCE challenge kept in the session."""
    try:
        return _provider().authorize_redirect(request, redirect_uri)
    except requests.RequestException as exc:
        raise SignInFailed(f"provider not reached: {exc}") from exc


def oidc_verified_claims(request) -> dict:
    """Finish the flow the provider redirected back with: the ID token's claims, verified, or
    SignInFailed. A flow's state is used once: a replayed redirect fails."""
    try:
        token = _provider().authorize_access_token(request, leeway=LEEWAY_SECONDS)
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError,
            KeyError) as exc:
        raise SignInFailed(f"{type(exc).__name__}: {exc}") from exc
    claims = token.get("userinfo")
    if not claims:
        raise SignInFailed("the token answer had no ID token")
    return dict(claims)
