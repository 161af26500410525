"""The scaffolding of the loopback stand-ins for services outside the machine (a geocoder, a
router): a real HTTP server on 127.0.0.1 (a thread, a free port) that records every request and
can be told to fail. A stand-in names itself and answers GET requests with `answer`; the
failures every stand-in knows are `mode` "timeout" (answers only after `delay`, or at once
when it stops), "500" and "garbage" (not JSON)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

Answer = tuple  # (status, body) or (status, body, content type)


class LoopbackStandin:
    name = "standin"

    def __init__(self):
        self.mode = "ok"
        self.delay = 5.0
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name=self.name)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def reset(self) -> None:
        with self._lock:
            self.mode, self.delay, self.requests = "ok", 5.0, []

    def answer(self, path: str, query: dict, mode: str) -> Answer:
        raise NotImplementedError

    def mode_failure(self, mode: str) -> Answer | None:
        """The common failures: waits out a "timeout" (then answers as usual), or the answer
        of a "500" or "garbage"; None to answer as usual."""
        if mode == "timeout":
            self._release.wait(self.delay)
        elif mode == "500":
            return 500, b"Internal Server Error", "text/plain"
        elif mode == "garbage":
            return 200, b"<html>proxy error</html>", "text/html"
        return None

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: bytes, kind="application/json") -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (a time-out test)

            def do_GET(self):
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                with standin._lock:
                    mode = standin.mode
                    standin.requests.append({"path": parts.path, "query": query,
                                             "headers": dict(self.headers)})
                self._send(*standin.answer(parts.path, query, mode))

        return Handler
