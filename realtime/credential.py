"""When a socket's credential ends (its token's expiry, its session's absolute timeout): the
socket is woken then, so that it closes without any client having to ping for it."""

import asyncio
import contextlib
import math
import time

DUE_CHECK_SECONDS = 3600  # the longest wait before the watch looks at the clock again


class CredentialWatch:
    """`ends`: a Unix time (inf: no end known). `due()` answers once it is past, for the
    consumer's dispatch loop; `until()` moves it (each revalidation learns it again)."""

    def __init__(self):
        self.ends = math.inf
        self.moved = asyncio.Event()

    def until(self, ends: float) -> None:
        self.ends = ends
        self.moved.set()

    def past(self) -> bool:
        return time.time() >= self.ends

    async def due(self) -> dict:
        while (left := self.ends - time.time()) > 0:
            self.moved.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.moved.wait(), min(left, DUE_CHECK_SECONDS))
        return {"type": "rt.due"}
