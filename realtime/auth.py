"""WebSocket authentication: the session cookie (the PWA), or an `Authorization: Token ...`
header (integrations and the benchmark clients)."""

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware


@database_sync_to_async
def _user_for_token(key: str):
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=key).first()
    return token.user if token and token.user.is_active else None


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
