"""Start-up checks of the identity provider's settings: a half-configured provider shows a
button that can only fail, so it is refused at start rather than found out by a volunteer."""

from django.conf import settings
from django.core.checks import Error, register


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
    if not settings.OIDC_ISSUER.startswith("https://") and not settings.DEBUG and \
            not settings.OIDC_ISSUER.startswith(("http://127.0.0.1", "http://localhost")):
        errors.append(Error("OIDC_ISSUER is not an https:// URL.", id="identity.E003"))
    if settings.OIDC_TOKEN_AUTH_METHOD not in ("client_secret_basic", "client_secret_post"):
        errors.append(Error("OIDC_TOKEN_AUTH_METHOD is client_secret_basic or "
                            "client_secret_post.", id="identity.E004"))
    return errors
