"""WebSocket authentication: the session cookie (the PWA), or an `Authorization: Token ...`
header (integrations and the benchmark clients)."""

import logging

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import AllowedHostsOriginValidator


@database_sync_to_async
def _token_for(key: str):
    """The live token with this key; never a partner organisation's, which opens only the
    shared risk notices' route (settings.PARTNER_API_PATHS), no stream."""
    from accounts.roles import is_partner
    from accounts.services import api_token_authenticate

    token = api_token_authenticate(key=key)
    return None if token is None or is_partner(token.user) else token


class TokenHeaderMiddleware(BaseMiddleware):
    """An integration's `Authorization: Token <key>`: the socket's user, the token's id
    (`api_token_id`), which the consumer checks again when it revalidates, and its expiry
    (`api_token_expires_at`, a Unix time), when the consumer closes the socket."""

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers", []))
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if auth.lower().startswith("token "):
            token = await _token_for(auth[6:].strip())
            if token is not None:
                scope = dict(scope, user=token.user, api_token_id=token.pk,
                             api_token_expires_at=token.expires_at.timestamp())
        return await super().__call__(scope, receive, send)


logger = logging.getLogger(__name__)


def _outage(error: BaseException) -> bool:
    """Whether a failure is the database's or the channel layer's (they are away, the client
    tries again), not a bug."""
    from channels.exceptions import ChannelFull
    from django.db import InterfaceError, OperationalError
    from redis.exceptions import RedisError

    return isinstance(error, (OperationalError, InterfaceError, RedisError, OSError,
                              TimeoutError, ChannelFull))


class RefuseCleanly:
    """The outermost WebSocket application. A failure on the way to the consumer refuses the
    handshake, and one of the database or the channel layer (an outage) closes an open socket
    with 1011: each is logged in one line, instead of the server's "Exception in ASGI
    application" and a traceback for every tablet that tries again. Any other failure of an
    open socket is a bug: logged at ERROR with its traceback (and closed with 1011)."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        accepted = False

        async def watched(message):
            nonlocal accepted
            accepted = accepted or message.get("type") == "websocket.accept"
            await send(message)

        try:
            return await self.inner(scope, receive, watched)
        except Exception as error:  # noqa: BLE001 - logged below; the client tries again
            if accepted and not _outage(error):
                logger.exception("WebSocket %s failed (closed with 1011)", scope.get("path"))
            else:
                logger.warning("WebSocket %s refused or closed: %s: %s", scope.get("path"),
                               type(error).__name__, error)
                logger.debug("The WebSocket's failure in full", exc_info=True)
            try:
                await send({"type": "websocket.close", "code": 1011})
            except Exception:  # noqa: BLE001 - already closed
                pass


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
