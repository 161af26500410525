"""Static files from the embedded server (SERVE_STATIC: `make run`, the browser tests) sent
compressed, as nginx sends them in production (deploy/nginx: the .gz copies, else gzip on the
fly): a script, a style sheet, an SVG or JSON goes gzip-compressed to a browser that accepts
it. On a phone's slow network the crew tablet's Leaflet is then 43 kB instead of 148 kB, and
the screen's own script a third of its size. Each file is compressed once per version (its
path, size and modification time), in memory."""

import functools
import gzip
import os

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.http import FileResponse, HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/manifest+json",
                "image/svg+xml")
# Below this a file gains nothing worth a header (nginx's gzip_min_length is 20 bytes; a
# round trip's first packets carry about 14 kB anyway).
MIN_SIZE = 1024


@functools.lru_cache(maxsize=128)
def compressed(path: str, size: int, mtime_ns: int) -> bytes:
    """The file at `path` gzip-compressed (size and mtime_ns name its version)."""
    with open(path, "rb") as f:
        return gzip.compress(f.read(), compresslevel=6, mtime=0)


def gzip_static(request, response):
    """`response` (django.views.static.serve's FileResponse) compressed when it is worth it and
    the browser accepts gzip; else unchanged."""
    if not isinstance(response, FileResponse) or response.status_code != 200:
        return response
    kind = response.get("Content-Type", "")
    if response.has_header("Content-Encoding") or not kind.startswith(COMPRESSIBLE):
        return response
    patch_vary_headers(response, ("Accept-Encoding",))
    name = getattr(response.file_to_stream, "name", None)
    accepts = re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    if not isinstance(name, str) or not accepts:
        return response
    stat = os.stat(name)
    if stat.st_size < MIN_SIZE:
        return response
    body = compressed(name, stat.st_size, stat.st_mtime_ns)
    response.close()
    answer = HttpResponse(body, content_type=kind)
    for header in ("Last-Modified", "Vary"):
        if response.has_header(header):
            answer[header] = response[header]
    answer["Content-Encoding"] = "gzip"
    answer["Content-Length"] = str(len(body))
    return answer


class CompressedStaticFilesHandler(ASGIStaticFilesHandler):
    """Django's static files handler for ASGI, its answers compressed (gzip_static)."""

    def serve(self, request):
        return gzip_static(request, super().serve(request))
