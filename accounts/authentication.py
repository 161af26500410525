"""Token authentication for integrations (`Authorization: Token <key>`) against
accounts.ApiToken: only the key's hash is looked up, and a token that expired, was revoked,
lost its session or whose user may no longer hold one is refused like an unknown key.
A partner organisation's token opens only the routes of settings.PARTNER_API_PATHS."""

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .roles import is_partner
from .services import api_token_authenticate

PARTNER_ONLY = ("A partner organisation's token reaches only the shared risk notices "
                "(GET and POST /api/safety/notices/).")


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = api_token_authenticate(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        return token.user, token

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None and is_partner(found[0]) and \
                request.path_info not in settings.PARTNER_API_PATHS:
            raise exceptions.PermissionDenied(PARTNER_ONLY)
        return found
