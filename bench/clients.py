"""Client side of the benchmarks: stream sockets, figures, and listener processes.

Timestamps are time.monotonic() (CLOCK_MONOTONIC, one clock for every process on the
machine), taken by the client as it reads a frame.
"""

import asyncio
import json
import multiprocessing as mp
import statistics
import time

from websockets.asyncio.client import connect

CASE = {
    "caller_number": "+46701234567",
    "address": "Stora torget 1, Västerås",
    "latitude": 59.6099,
    "longitude": 16.5448,
    "complaint": "Bröstsmärta",
    "mbs_priority": "1A",
    "priority": "1A",
}


def figures(samples_ms: list[float]) -> dict:
    if not samples_ms:
        return {"n": 0}
    ordered = sorted(samples_ms)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))], 2)

    return {"n": len(ordered), "min": round(ordered[0], 2), "p50": pct(50), "p95": pct(95),
            "p99": pct(99),
            "max": round(ordered[-1], 2), "mean": round(statistics.fmean(ordered), 2)}


def auth_headers(credential: str) -> dict:
    """A session cookie's "name=value" (a crew's or a volunteer's, signed in as their screens
    are) goes as a cookie; anything else is an API token (the dispatcher's)."""
    if "=" in credential:
        return {"Cookie": credential}
    return {"Authorization": f"Token {credential}"}


class StreamSocket:
    """One /ws/stream/ connection; a reader task timestamps every frame."""

    def __init__(self, ws, on_event=None, url: str = ""):
        self.ws = ws
        self.url = url
        self.events: list[tuple[float, dict]] = []
        self.on_event = on_event
        self.waiters: dict[str, asyncio.Future] = {}
        self.task = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, base_url: str, token: str, on_event=None) -> "StreamSocket":
        """`token`: a session cookie's "name=value" (crews, volunteers) or an API token."""
        ws = await connect(base_url.replace("http://", "ws://") + "/ws/stream/",
                           origin=base_url, additional_headers=auth_headers(token),
                           open_timeout=60, ping_interval=None, max_queue=None)
        return cls(ws, on_event, base_url)

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                t = time.monotonic()
                message = json.loads(raw)
                op = message.get("op")
                if op == "event":
                    self.events.append((t, message["event"]))
                    if self.on_event:
                        self.on_event(t, message["event"])
                elif op in self.waiters:
                    waiter = self.waiters.pop(op)
                    if not waiter.done():
                        waiter.set_result(message)
                elif op == "error":
                    print("stream error:", message)
        except Exception:  # noqa: BLE001 - a closed socket ends the reader
            pass

    async def call(self, answer: str, timeout: float = 60, **request) -> dict:
        waiter = asyncio.get_running_loop().create_future()
        self.waiters[answer] = waiter
        await self.ws.send(json.dumps(request))
        return await asyncio.wait_for(waiter, timeout)

    async def subscribe(self, stream: str, after: int | None = None) -> dict:
        return await self.call("subscribed", op="subscribe", stream=stream, after=after)

    async def close(self) -> None:
        await self.ws.close()
        self.task.cancel()


async def open_many(specs, limit: int = 50) -> list[StreamSocket]:
    """specs: list of (base_url, token, stream). Opens and subscribes, `limit` at a time."""
    gate = asyncio.Semaphore(limit)

    async def one(url, token, stream):
        async with gate:
            try:
                sock = await StreamSocket.open(url, token)
                await sock.subscribe(stream)
                return sock
            except Exception as exc:  # noqa: BLE001 - counted: fewer sockets than asked
                print(f"could not open a socket on {url}: {exc!r}")
                return None

    opened = await asyncio.gather(*(one(*spec) for spec in specs))
    return [sock for sock in opened if sock is not None]


# --------------------------------------------------------------------- listener processes

async def _listener_main(conn, specs) -> None:
    loop = asyncio.get_running_loop()
    sockets = await open_many(specs)
    conn.send(("ready", len(sockets)))
    while True:
        command, arg = await loop.run_in_executor(None, conn.recv)
        if command == "arrivals":
            # arg: (event type, data id, timeout): per socket, the receipt time or None.
            kind, data_id, timeout = arg
            deadline = time.monotonic() + timeout

            def found(sock, kind=kind, data_id=data_id):
                return next((t for t, e in sock.events
                             if e["type"] == kind and e["data"].get("id") == data_id), None)

            while time.monotonic() < deadline and any(found(s) is None for s in sockets):
                await asyncio.sleep(0.05)
            conn.send(("arrivals", [(s.url, found(s)) for s in sockets]))
        elif command == "burst":
            # arg: (event type, expected, quiet seconds, timeout): wait for the burst to
            # settle, then `sync` every socket; count what came live and what the sync added.
            kind, expected, quiet, timeout = arg
            start = time.monotonic()

            def live_count(sock, kind=kind):
                return sum(1 for _, e in sock.events if e["type"] == kind)

            last_total, last_change = -1, time.monotonic()
            while time.monotonic() - start < timeout:
                total = sum(live_count(s) for s in sockets)
                if total != last_total:
                    last_total, last_change = total, time.monotonic()
                if total >= expected * len(sockets):
                    break
                if time.monotonic() - last_change > quiet:
                    break
                await asyncio.sleep(0.05)
            live = [live_count(s) for s in sockets]
            last_live = [max((t for t, e in s.events if e["type"] == kind), default=None)
                         for s in sockets]
            synced = await asyncio.gather(*(s.call("synced", op="sync") for s in sockets))
            after_sync = [live_count(s) - n for s, n in zip(sockets, live, strict=True)]
            seqs_ok = []
            for s in sockets:
                seqs = [e["seq"] for _, e in s.events if e["type"] == kind]
                seqs_ok.append(len(seqs) == len(set(seqs))
                               and seqs == sorted(seqs))
            conn.send(("burst", {"live": live, "after_sync": after_sync,
                                 "replayed_by_sync": [m["replayed"] for m in synced],
                                 "in_order_no_dup": seqs_ok, "last_live": last_live}))
        elif command == "close":
            await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
            conn.send(("closed", None))
            return


def _listener_entry(conn, specs) -> None:
    try:
        from uvloop import run
    except ImportError:
        from asyncio import run
    run(_listener_main(conn, specs))


class Listeners:
    """Sockets spread over a few client processes, so the client side is not one core."""

    def __init__(self, specs: list[tuple[str, str, str]], processes: int):
        ctx = mp.get_context("spawn")
        self.conns = []
        self.procs = []
        for i in range(processes):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_listener_entry, args=(child, specs[i::processes]),
                               daemon=True)
            proc.start()
            self.conns.append(parent)
            self.procs.append(proc)

    async def _ask(self, command: str, arg=None) -> list:
        loop = asyncio.get_running_loop()
        for conn in self.conns:
            conn.send((command, arg))
        answers = await asyncio.gather(*(loop.run_in_executor(None, c.recv) for c in self.conns))
        return [a[1] for a in answers]

    async def ready(self, timeout: float = 600) -> int:
        loop = asyncio.get_running_loop()
        answers = await asyncio.wait_for(
            asyncio.gather(*(loop.run_in_executor(None, c.recv) for c in self.conns)), timeout)
        return sum(a[1] for a in answers)

    async def arrivals(self, kind: str, data_id: int,
                       timeout: float) -> list[tuple[str, float | None]]:
        parts = await self._ask("arrivals", (kind, data_id, timeout))
        return [t for part in parts for t in part]

    async def burst(self, kind: str, expected: int, quiet: float, timeout: float) -> dict:
        parts = await self._ask("burst", (kind, expected, quiet, timeout))
        merged: dict[str, list] = {}
        for part in parts:
            for key, values in part.items():
                merged.setdefault(key, []).extend(values)
        return merged

    async def close(self) -> None:
        await self._ask("close")
        for proc in self.procs:
            proc.join(timeout=10)
