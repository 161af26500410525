"""Content-Security-Policy on every page (core.csp): the staff pages, the admin, the API's docs
and the service worker get STAFF, the caller's pages CALLER, a printed referral DOCUMENT; every
inline <script> and <style> a page holds is allowed by its hash, nothing by 'unsafe-inline'.
The API's schema and docs are for signed-in users only."""

import base64
import hashlib
import re

import pytest
from django.test import Client

from core import csp

INLINE = re.compile(r"<(script|style)(\s[^>]*)?>(.*?)</\1>", re.S)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: sources for name, *sources in
            (part.split() for part in header.split(";") if part.strip())}


def inline_blocks(html: str) -> list[tuple[str, str]]:
    """(script|style, text) of every inline block that would run or apply: not a script
    with src, not JSON data (json_script)."""
    found = []
    for kind, attrs, text in INLINE.findall(html):
        attrs = attrs or ""
        if kind == "script" and ("src=" in attrs or "application/json" in attrs):
            continue
        found.append((kind, text))
    return found


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_strict(response):
    p = policy(response)
    assert p["default-src"] == ["'none'"]
    assert p["script-src"][0] == "'self'" and p["style-src"][0] == "'self'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert p["object-src"] == ["'none'"] and p["base-uri"] == ["'none'"]
    assert p["frame-ancestors"] == ["'none'"] and p["form-action"] == ["'self'"]
    assert p["worker-src"] == ["'self'"]
    assert {"'self'", "ws://testserver", "wss://testserver"} <= set(p["connect-src"])
    html = response.content.decode() if "html" in response.get("Content-Type", "") else ""
    for kind, text in inline_blocks(html):
        assert sha(text) in p[f"{kind}-src"], (kind, text[:60])
    return p


@pytest.mark.parametrize(("who", "path"), [
    (None, "/login/"), (None, "/responder/register/"), (None, "/offline/"),
    ("anna", "/console/"), ("sara", "/crew/"), ("lars", "/responder/"),
    ("karin", "/mobile/"), ("admin", "/admin/"), ("admin", "/admin/accounts/user/"),
    ("admin", "/admin/accounts/apitoken/"), ("anna", "/api/docs/"), ("anna", "/api/me/"),
    (None, "/serviceworker.js"), ("anna", "/manifest.json"),
])
def test_every_staff_page_sends_the_strict_policy(demo, who, path):
    client = signed_in(getattr(demo, who)) if who else Client()
    response = client.get(path)
    assert response.status_code == 200
    assert_strict(response)


def test_the_field_screens_inline_style_sheets_are_allowed_by_their_hash(demo):
    """The crew's tablet paints from a <style> in the page (no second round trip): only that
    exact text is allowed, on that page."""
    page = signed_in(demo.sara).get("/crew/")
    styles = [text for kind, text in inline_blocks(page.content.decode()) if kind == "style"]
    assert len(styles) == 1 and len(styles[0]) > 1000
    assert sha(styles[0]) in policy(page)["style-src"]
    console = signed_in(demo.anna).get("/console/")
    assert sha(styles[0]) not in policy(console)["style-src"]


def test_the_night_theme_line_runs_by_its_hash(demo):
    page = Client().get("/login/")
    [(kind, text)] = [b for b in inline_blocks(page.content.decode()) if b[0] == "script"]
    assert "larmkedjan.theme" in text
    assert policy(page)["script-src"] == ["'self'", sha(text)]


def test_the_map_tiles_host_is_allowed(demo, settings):
    settings.MAP_TILE_URL = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    p = policy(signed_in(demo.anna).get("/console/"))
    assert p["img-src"] == ["'self'", "data:", "blob:", "https://*.tile.example.org"]


@pytest.mark.parametrize(("url", "source"), [
    ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
    ("https://tiles.example/{z}/{x}/{y}.png", "https://tiles.example"),
    ("https://tiles.example:8443/{z}/{x}/{y}.png", "https://tiles.example:8443"),
    ("https://a{s}.b.example/{z}.png", "https://*.b.example"),
    ("https://{s}.tile.example:8443/{z}/{x}/{y}.png", "https://*.tile.example:8443"),
    ("http://[::1]:8080/{z}/{x}/{y}.png", "http://[::1]:8080"),
    ("/tiles/{z}/{x}/{y}.png", None),
    ("", None),
    # A host that is all or mostly placeholder: no source rather than a wildcard for anywhere.
    ("https://{s}/{z}/{x}/{y}.png", None),
    ("https://{s}.example/{z}/{x}/{y}.png", None),
    ("https://a.{s}.example/{z}/{x}/{y}.png", None),
    ("https://tiles.{tld}/{z}/{x}/{y}.png", None),
    ("https://tiles.example:{port}/{z}/{x}/{y}.png", None),
])
def test_origin_source(url, source):
    assert csp.origin_source(url) == source


@pytest.mark.parametrize("url", ["https://{s}/{z}/{x}/{y}.png",
                                 "https://a.{s}.example/{z}/{x}/{y}.png"])
def test_a_tile_host_that_is_a_placeholder_widens_no_policy_and_is_refused_at_start(
        demo, settings, url):
    """Review of issue 12, item 11: https://{s}/… gave img-src https://* (every https host)."""
    from core.apps import map_tiles_checked

    settings.MAP_TILE_URL = url
    sources = policy(signed_in(demo.anna).get("/console/"))["img-src"]
    assert sources == ["'self'", "data:", "blob:"]
    [error] = map_tiles_checked()
    assert error.id == "core.E002" and "placeholder" in error.msg
    settings.MAP_TILE_URL = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    assert map_tiles_checked() == []


def test_the_callers_pages_keep_their_own_policy(db):
    response = Client().get("/b/not-a-link")
    assert response.status_code == 410
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def test_the_schema_and_docs_are_for_signed_in_users_only(demo):
    anonymous = Client()
    for path in ("/api/schema/", "/api/docs/", "/api/docs/?script="):
        assert anonymous.get(path).status_code == 403, path
    client = signed_in(demo.lars)
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "<script>" not in html  # the start-up script has a URL of its own
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
