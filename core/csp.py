"""Content-Security-Policy (*CSP*): the one home of every page's policy.

- STAFF, on every answer that sets none of its own (ContentSecurityPolicyMiddleware): the
  screens, sign-in, the Django admin, the API's docs, the service worker. Scripts, styles,
  fonts, the manifest and workers from this site only; images from this site, data:, blob:
  and the map's tile server (MAP_TILE_URL); connections to this site and its WebSocket (ws:
  and wss: of the same host, spelt out for browsers whose 'self' does not cover them); no
  plugins, no framing, no <base>, forms posted to this site only (the identity provider's
  sign-in is a link, not a form).
- CALLER, the caller's picture pages (frontend.caller): a stranger's phone; nothing but this
  site's script, style, images (and the photo's blob:) and connections.
- DOCUMENT, a printable document (a referral's summary): no script at all.

No policy allows inline script or style as such. The few inline blocks the templates hold
are written with the tags {% csp_script %} and {% csp_style %} (core.templatetags.csp),
which allow exactly their text on that answer, by its SHA-256: the night-theme line before
the first paint, the field screens' style sheets, the API docs' small style block.
"""

import base64
import hashlib
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost

HEADER = "Content-Security-Policy"

STAFF = {
    "default-src": ("'none'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:", "blob:"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "media-src": ("'self'",),
    "manifest-src": ("'self'",),
    "worker-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}
CALLER = {
    "default-src": ("'none'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "blob:", "data:"),
    "connect-src": ("'self'",),
    "form-action": ("'self'",),
    "base-uri": ("'none'",),
    "frame-ancestors": ("'none'",),
}
DOCUMENT = {
    "default-src": ("'none'",),
    "style-src": (),
    "img-src": ("'self'", "data:"),
    "base-uri": ("'none'",),
    "form-action": ("'none'",),
    "frame-ancestors": ("'none'",),
}
NONE = "'none'"
# Where an inline block's hash goes.
INLINE_DIRECTIVE = {"script": "script-src", "style": "style-src"}


def inline_hash(text: str) -> str:
    """The source expression that allows an inline block of exactly this text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def allow_inline(request, kind: str, text: str) -> None:
    """Allow an inline <script> or <style> of exactly this text on the answer to `request`
    (the template tags call this while the page is rendered)."""
    request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    if request is None:
        return
    if not hasattr(request, "csp_inline"):
        request.csp_inline = {}
    request.csp_inline.setdefault(INLINE_DIRECTIVE[kind], set()).add(inline_hash(text))


# The literal labels a placeholder's wildcard must stand under: a domain, never a top-level
# one alone (https://{s}.example/… would allow every host under .example).
WILDCARD_UNDER_LABELS = 2


def template_source(url: str) -> tuple[str | None, str]:
    """The source expression for the host of a URL template such as MAP_TILE_URL, and when
    there is none for a host, why. A placeholder in the host ({s}: Leaflet's a, b, c) stands
    for a subdomain of the literal domain after it (https://{s}.tile.example/{z}/{x}/{y}.png ->
    https://*.tile.example), and only of a domain of at least two labels: a host that is all
    or mostly placeholder (https://{s}/…, https://a.{s}.example/…) would allow images from
    anywhere, so it gets no source (and core.E002 refuses it at start). (None, "") for a path
    of this site or an empty setting."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return None, ""
    netloc = parts.netloc
    host, port = re.fullmatch(r"(\[[^\]]*\]|[^:]*)(?::(.*))?", netloc).groups()
    if "@" in netloc or not host or "{" in (port or ""):
        return None, f"the host of {url!r} cannot be told"
    labels = host.split(".")
    templated = [i for i, label in enumerate(labels) if "{" in label or "}" in label]
    if templated:
        literal = labels[templated[-1] + 1:]
        if len(literal) < WILDCARD_UNDER_LABELS:
            return None, (f"the host of {url!r} is all or mostly placeholder: its "
                          "wildcard would allow images from nearly any host (a placeholder "
                          "needs a domain of two labels or more after it, as in "
                          "https://{s}.tile.example.org/{z}/{x}/{y}.png)")
        host = ".".join(["*", *literal])
    return f"{parts.scheme}://{host}{':' + port if port else ''}", ""


def origin_source(url: str) -> str | None:
    """template_source's source expression alone (None: nothing to allow)."""
    return template_source(url)[0]


def _socket_sources(request) -> tuple[str, ...]:
    try:
        host = request.get_host()  # checked against ALLOWED_HOSTS
    except DisallowedHost:
        return ()
    if not host or any(c in host for c in " ;,'\""):
        return ()
    return (f"ws://{host}", f"wss://{host}")


def header(request, policy: dict) -> str:
    """The header's value for `policy` on the answer to `request`: the policy, the inline
    blocks the page allowed, and for STAFF the map's tiles and the socket."""
    directives = {name: list(sources) for name, sources in policy.items()}
    if policy is STAFF:
        directives["connect-src"] += _socket_sources(request)
        if tiles := origin_source(getattr(settings, "MAP_TILE_URL", "") or ""):
            directives["img-src"].append(tiles)
    for name, hashes in getattr(request, "csp_inline", {}).items():
        if name in directives:
            directives[name] += sorted(hashes)
    return "; ".join(f"{name} {' '.join(sources or [NONE])}"
                     for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    """Sends STAFF on every answer that carries no policy of its own (the caller's pages and
    printable documents set theirs with `header`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = header(request, STAFF)
        return response
