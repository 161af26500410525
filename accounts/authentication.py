"""Token authentication for integrations (`Authorization: Token <key>`) against
accounts.ApiToken: only the key's hash is looked up, and a token that expired, was revoked,
lost its session or whose user may no longer hold one is refused like an unknown key."""

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .services import api_token_authenticate


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = api_token_authenticate(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        return token.user, token
