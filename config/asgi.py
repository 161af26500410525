"""ASGI entry point: HTTP through Django, WebSockets through the event stream.

In the embedded shape (no REDIS_URL) the server's lifespan also runs the in-process timer loop,
so deadlines fire without Celery.
"""

import asyncio
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from core.static import CompressedStaticFilesHandler  # noqa: E402
from realtime.auth import BrowserOriginValidator, RefuseCleanly, StreamAuthStack  # noqa: E402
from realtime.loops import sending_loop_set  # noqa: E402
from realtime.routing import websocket_urlpatterns  # noqa: E402

# Static files compressed as nginx sends them (core.static); with SERVE_STATIC=false nginx does.
http_app = (CompressedStaticFilesHandler(django_asgi_app) if settings.SERVE_STATIC
            else django_asgi_app)

router = ProtocolTypeRouter(
    {
        "http": http_app,
        "websocket": RefuseCleanly(
            BrowserOriginValidator(StreamAuthStack(URLRouter(websocket_urlpatterns)))
        ),
    }
)


class Lifespan:
    """Starts and stops the in-process timer loop with the server (embedded shape only)."""

    def __init__(self, app):
        self.app = app
        self.stop = asyncio.Event()
        self.task = None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "lifespan":
            return await self.app(scope, receive, send)
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                # This process's threads send their events on the server's loop.
                sending_loop_set(asyncio.get_running_loop())
                if settings.TIMERS_IN_PROCESS:
                    from timers.runner import run_timer_loop

                    self.task = asyncio.create_task(run_timer_loop(self.stop))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.stop.set()
                sending_loop_set(None)
                if self.task:
                    await self.task
                await send({"type": "lifespan.shutdown.complete"})
                return


application = Lifespan(router)
