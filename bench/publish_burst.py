"""A burst of events on one stream, run inside the cluster's environment:
`python bench/publish_burst.py STREAM COUNT`. Publishes COUNT events of type `bench.burst`
back to back through realtime.services.event_publish (stored, then group_send after commit),
from one event loop so that the channel layer's Redis connection is reused as in a server.
Prints one JSON line: {"published": COUNT, "seconds": ...}.
"""

import asyncio
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from asgiref.sync import sync_to_async  # noqa: E402

from realtime.services import event_publish  # noqa: E402


async def main(stream: str, count: int) -> None:
    publish = sync_to_async(event_publish, thread_sensitive=True)
    started = time.monotonic()
    for i in range(count):
        await publish(stream=stream, type="bench.burst", data={"i": i})
    print(json.dumps({"published": count, "seconds": round(time.monotonic() - started, 3)}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
