"""Start-up checks of the identity provider's settings: a half-configured provider shows a
button that can only fail, so it is refused at start rather than found out by a volunteer."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register

LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}


def _issuer_acceptable(issuer: str) -> bool:
    """https with a host; plain http only for a real loopback host (the host itself, not a
    name that begins like one, such as localhost.attacker.example): a provider on this
    machine, whose traffic never leaves it (a stand-in for tests, a local broker)."""
    try:
        url = urlsplit(issuer)
        host = url.hostname
        url.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        return False
    if not host or url.query or url.fragment or url.username is not None:
        return False
    if url.scheme == "https":
        return True
    return url.scheme == "http" and host in LOOPBACK_HOSTS


@register()
def oidc_settings(app_configs=None, **kwargs) -> list[Error]:
    if not settings.OIDC_ISSUER:
        return []
    errors = []
    if not settings.OIDC_CLIENT_ID:
        errors.append(Error("OIDC_ISSUER is set but OIDC_CLIENT_ID is empty.",
                            hint="Set both, or neither to sign in with passwords only.",
                            id="identity.E001"))
    if "openid" not in settings.OIDC_SCOPES.split():
        errors.append(Error("OIDC_SCOPES lacks 'openid': the provider would send no ID token.",
                            hint="OIDC_SCOPES=openid profile", id="identity.E002"))
    if not _issuer_acceptable(settings.OIDC_ISSUER):
        errors.append(Error(
            "OIDC_ISSUER is not an https:// URL with a host (and no query or fragment).",
            hint="Plain http:// only for a provider on this machine's loopback (127.0.0.1, "
                 "::1, localhost).", id="identity.E003"))
    if settings.OIDC_TOKEN_AUTH_METHOD not in ("client_secret_basic", "client_secret_post"):
        errors.append(Error("OIDC_TOKEN_AUTH_METHOD is client_secret_basic or "
                            "client_secret_post.", id="identity.E004"))
    return errors
