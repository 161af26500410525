"""WebSocket authentication: the session cookie (the PWA), or an `Authorization: Token ...`
header (integrations and the benchmark clients)."""

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import AllowedHostsOriginValidator


@database_sync_to_async
def _user_for_token(key: str):
    from accounts.services import api_token_authenticate

    token = api_token_authenticate(key=key)
    return token.user if token else None


class TokenHeaderMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers", []))
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if auth.lower().startswith("token "):
            user = await _user_for_token(auth[6:].strip())
            if user is not None:
                scope = dict(scope, user=user)
        return await super().__call__(scope, receive, send)


def StreamAuthStack(inner):
    return AuthMiddlewareStack(TokenHeaderMiddleware(inner))


class BrowserOriginValidator:
    """Checks the Origin of browser connections against ALLOWED_HOSTS (cross-site WebSocket
    hijacking). Browsers always send Origin on a WebSocket; a client without one is not a
    browser (an integration with a token header), and it still has to authenticate."""

    def __init__(self, inner):
        self.inner = inner
        self.validated = AllowedHostsOriginValidator(inner)

    async def __call__(self, scope, receive, send):
        has_origin = any(name == b"origin" for name, _ in scope.get("headers", []))
        app = self.validated if has_origin else self.inner
        return await app(scope, receive, send)
