"""A region's CAP endpoint on the loopback (ThreadingHTTPServer on 127.0.0.1, a free port):
it checks what it gets as a region's system would (the bearer token, CAP 1.2's schema, our
signature with our pinned certificate), records the messages, and can be told to refuse
(answer 503) or to be down (its socket closed; `up()` opens it again on the same port).
With `ack_to` it posts a CAP Ack of each Alert back, as a region's system does."""

import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from incidents.cap.build import CAP_NS
from incidents.cap.sign import cap_verify
from incidents.cap.validate import CapInvalid, cap_validate


@dataclass
class Received:
    identifier: str
    sender: str
    sent: str
    msg_type: str
    status: str
    references: str
    xml: bytes
    authorization: str
    content_type: str
    at: float = 0.0


def _text(root, name: str) -> str:
    found = root.find(f"{{{CAP_NS}}}{name}")
    return (found.text or "") if found is not None else ""


def ack_xml(*, of: Received, sender: str, identifier: str | None = None,
            sender_name: str = "", sent: datetime | None = None) -> bytes:
    """A CAP 1.2 Ack of `of`, as a region's system sends it (unsigned)."""
    sent = (sent or datetime.now(timezone(timedelta(hours=1)))).replace(microsecond=0)
    info = ""
    if sender_name:
        info = (f"<info><category>Health</category><event>Kvittens</event>"
                f"<urgency>Immediate</urgency><severity>Severe</severity>"
                f"<certainty>Observed</certainty><senderName>{sender_name}</senderName></info>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><alert xmlns="{CAP_NS}">'
            f"<identifier>{identifier or 'ack-' + uuid.uuid4().hex}</identifier>"
            f"<sender>{sender}</sender><sent>{sent.isoformat()}</sent><status>{of.status}</status>"
            f"<msgType>Ack</msgType><scope>Restricted</scope>"
            f"<restriction>Sjukvårdsregionen</restriction>"
            f"<references>{of.sender},{of.identifier},{of.sent}</references>{info}</alert>"
            ).encode()


@dataclass
class CapStandin:
    cert_pem: bytes | str
    token: str = ""
    # (our incoming URL, the region's inbound token (incident_region_token), its sender);
    # `token` is the outbound one, what we send it.
    ack_to: tuple[str, str, str] | None = None
    messages: list[Received] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    attempts: int = 0
    answer: int = 200
    on_message: object = None  # callable(Received), called in the server's thread

    def __post_init__(self):
        self.port = 0
        self._lock = threading.Lock()
        self.arrived = threading.Condition(self._lock)
        self.up()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cap"

    def up(self) -> None:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                standin._take(self, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def down(self) -> None:
        """Closed: a POST is refused at the socket (connection refused)."""
        self.server.shutdown()
        self.server.server_close()

    close = down

    def _reply(self, handler, status: int, text: str) -> None:
        data = text.encode("utf-8")
        handler.send_response(status)
        handler.send_header("Content-Type", "text/plain; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _take(self, handler, body: bytes) -> None:
        with self._lock:
            self.attempts += 1
            answer = self.answer
        if answer >= 300:
            return self._reply(handler, answer, "Tillfälligt otillgänglig")
        if self.token and handler.headers.get("Authorization") != f"Bearer {self.token}":
            self.refused.append("token")
            return self._reply(handler, 401, "Fel token")
        try:
            root = cap_validate(body)
            cap_verify(body, cert_pem=self.cert_pem)
        except CapInvalid as exc:
            self.refused.append(f"schema: {exc}")
            return self._reply(handler, 400, str(exc))
        except Exception as exc:  # signxml's InvalidSignature and its kin
            self.refused.append(f"signature: {exc!r}")
            return self._reply(handler, 400, f"signature: {exc}")
        received = Received(
            identifier=_text(root, "identifier"), sender=_text(root, "sender"),
            sent=_text(root, "sent"), msg_type=_text(root, "msgType"),
            status=_text(root, "status"), references=_text(root, "references"), xml=body,
            authorization=handler.headers.get("Authorization", ""),
            content_type=handler.headers.get("Content-Type", ""), at=time.monotonic())
        with self._lock:
            self.messages.append(received)
            self.arrived.notify_all()
        self._reply(handler, 200, "OK")
        if self.on_message is not None:
            self.on_message(received)
        if self.ack_to is not None and received.msg_type == "Alert":
            url, token, sender = self.ack_to
            threading.Thread(target=httpx.post, daemon=True, args=(url,), kwargs={
                "content": ack_xml(of=received, sender=sender),
                "headers": {"Authorization": f"Bearer {token}",
                            "Content-Type": "application/cap+xml"}}).start()

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        with self._lock:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)
            return list(self.messages)
