"""A push service and a browser for tests and the latency bench, on loopback.

`LoopbackPushService` is an HTTP server on 127.0.0.1:<free port> that takes Web Push requests
(RFC 8030) on /push/<name>, answers 201 unless told otherwise per endpoint, and keeps what
arrived (headers, encrypted body, arrival time).

`FakeBrowser` holds what a browser holds for one subscription: the private ECDH key (P-256) and
the 16-byte auth secret. It makes the subscription JSON a page would send and decrypts what the
push service received (RFC 8291, aes128gcm) with http_ece, like the browser would.
"""

import base64
import json
import os
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    arrived: float  # time.time()
    status: int

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real push services

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        arrived = time.time()
        service: LoopbackPushService = self.server.service
        status, extra = service._answer(self.path)
        service._record(Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                                 body, arrived, status))
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        if status == 201:
            self.send_header("Location", f"/message/{uuid.uuid4().hex}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class LoopbackPushService:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.service = self
        self.port = self.server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.received: list[Received] = []
        self._answers: dict[str, deque] = defaultdict(deque)
        self._cond = threading.Condition()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def endpoint(self, name: str | None = None) -> str:
        return f"{self.origin}/push/{name or uuid.uuid4().hex}"

    def answer(self, endpoint: str, *statuses: int, headers: dict | None = None) -> None:
        """The next requests to `endpoint` get these statuses, in order (then 201)."""
        path = endpoint.removeprefix(self.origin)
        for status in statuses:
            self._answers[path].append((status, headers or {}))

    def _answer(self, path: str) -> tuple[int, dict]:
        with self._cond:
            queue = self._answers.get(path)
            return queue.popleft() if queue else (201, {})

    def _record(self, received: Received) -> None:
        with self._cond:
            self.received.append(received)
            self._cond.notify_all()

    def to(self, endpoint: str) -> list[Received]:
        path = endpoint.removeprefix(self.origin)
        with self._cond:
            return [r for r in self.received if r.path == path]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return list(self.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class FakeBrowser:
    """One browser profile's push subscription keys."""

    def __init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        self.device_id = str(uuid.uuid4())

    @property
    def p256dh(self) -> str:
        return b64url(self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))

    def subscription(self, endpoint: str, *, expiration_ms: float | None = None) -> dict:
        """What the page posts: PushSubscription.toJSON() plus the device id."""
        return {"endpoint": endpoint, "expirationTime": expiration_ms,
                "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth_secret)},
                "device_id": self.device_id}

    def decrypt(self, body: bytes) -> dict:
        plain = http_ece.decrypt(body, private_key=self.private_key,
                                 auth_secret=self.auth_secret, version="aes128gcm")
        return json.loads(plain.decode("utf-8"))
