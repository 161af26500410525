"""The embedded server's static files (core.static): compressed as nginx sends them, to a
browser that accepts gzip, and unchanged otherwise."""

import gzip

import pytest
from django.test import RequestFactory

from core.static import CompressedStaticFilesHandler

# No table is read, but a response's close() sends request_finished, whose handler looks at
# the database connection an earlier test opened.
pytestmark = pytest.mark.django_db


def serve(path: str, accept: str | None):
    handler = CompressedStaticFilesHandler(application=None)
    headers = {"HTTP_ACCEPT_ENCODING": accept} if accept is not None else {}
    return handler.serve(RequestFactory().get(path, **headers))


def body(response) -> bytes:
    content = (b"".join(response.streaming_content) if response.streaming
               else response.content)
    response.close()
    return content


def test_a_script_goes_gzip_compressed_to_a_browser_that_accepts_it():
    plain = body(serve("/static/vendor/leaflet/leaflet.js", None))
    answer = serve("/static/vendor/leaflet/leaflet.js", "gzip, deflate, br")
    assert answer.status_code == 200
    assert answer["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in answer["Vary"]
    assert "javascript" in answer["Content-Type"]
    assert answer.has_header("Last-Modified")
    compressed = body(answer)
    assert int(answer["Content-Length"]) == len(compressed) < len(plain) / 2
    assert gzip.decompress(compressed) == plain


def test_without_gzip_or_for_an_image_the_file_is_sent_as_it_is():
    answer = serve("/static/vendor/leaflet/leaflet.js", "identity")
    assert not answer.has_header("Content-Encoding")
    assert "Accept-Encoding" in answer["Vary"]
    body(answer)
    image = serve("/static/frontend/icon-192.png", "gzip")
    assert not image.has_header("Content-Encoding")
    assert body(image)[:8] == b"\x89PNG\r\n\x1a\n"
