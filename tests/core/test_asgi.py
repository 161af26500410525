"""core.asgi.OneHopASGIHandler: the whole request, middleware and view, in one hop to the sync
thread, with the same answers as Django's handler (the middleware's headers, a refusal, a
signed-in read)."""

import asyncio
import inspect

import pytest
from asgiref.sync import SyncToAsync, async_to_sync
from django.core.handlers.asgi import ASGIHandler

from bench.sessions import session_cookie
from core.asgi import OneHopASGIHandler

pytestmark = pytest.mark.django_db(transaction=True)


def get(app, path: str, cookie: str = "") -> tuple[int, dict, bytes]:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode())],
             "client": ("127.0.0.1", 5000), "server": ("testserver", 80)}
    requests = [{"type": "http.request", "body": b"", "more_body": False}]
    answer = {"body": b""}

    async def receive():
        return requests.pop() if requests else await asyncio.Event().wait()

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = {k.decode().lower(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    async_to_sync(app)(scope, receive, send)
    return answer["status"], answer["headers"], answer["body"]


def hops(app, path: str, cookie: str, monkeypatch) -> int:
    """How many times a request goes from the event loop to a sync thread."""
    count = [0]
    real = SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        count[0] += 1
        return await real(self, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(SyncToAsync, "__call__", counted)
        status, _headers, _body = get(app, path, cookie)
    assert status == 200
    return count[0]


def test_the_middleware_and_the_view_run_in_one_hop_to_the_sync_thread(demo, monkeypatch):
    handler = OneHopASGIHandler()
    assert not inspect.iscoroutinefunction(handler._middleware_chain)
    cookie = session_cookie(demo.anna)
    get(handler, "/api/units/", cookie)  # the first request sets things up once
    get(ASGIHandler(), "/api/units/", cookie)
    mine = hops(handler, "/api/units/", cookie, monkeypatch)
    theirs = hops(ASGIHandler(), "/api/units/", cookie, monkeypatch)
    # Django's handler: the request's signals and closing as here, plus a hop per hook of
    # each async-run middleware and one for the view.
    assert mine <= theirs - 3, (mine, theirs)


@pytest.mark.parametrize("path", ["/api/regions/", "/login/", "/api/cases/"])
def test_it_answers_as_django_s_handler_does(demo, path):
    cookie = session_cookie(demo.anna) if path != "/login/" else ""
    mine = get(OneHopASGIHandler(), path, cookie)
    theirs = get(ASGIHandler(), path, cookie)
    assert mine[0] == theirs[0] == 200
    for header in ("content-type", "x-frame-options", "content-security-policy", "vary"):
        assert mine[1].get(header) == theirs[1].get(header), header


def test_a_refusal_is_the_same_clear_answer(demo):
    status, headers, body = get(OneHopASGIHandler(), "/api/cases/")
    assert status in (401, 403) and headers["content-type"].startswith("application/json")
    assert b"detail" in body
