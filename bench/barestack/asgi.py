"""HTTP through Django, /ws/stream/ through one consumer: subscribe joins the stream's group,
a group message goes out as it came (serialised once by the sender, as the product does)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.barestack.settings")

from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.urls import path  # noqa: E402

http = get_asgi_application()


class StreamConsumer(AsyncJsonWebsocketConsumer):
    async def receive_json(self, content, **kwargs):
        if content.get("op") == "subscribe":
            await self.channel_layer.group_add(content["stream"], self.channel_name)
            await self.send_json({"op": "subscribed", "stream": content["stream"]})

    async def bare_event(self, message):
        await self.send(text_data=message["text"])


application = ProtocolTypeRouter({
    "http": http,
    "websocket": URLRouter([path("ws/stream/", StreamConsumer.as_asgi())]),
})
