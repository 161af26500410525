"""The caller's pages (*bildlänken*): a stranger on any phone browser, no account, no app.

    GET  /b/<token>  a landing page that does not use the link up (SMS apps fetch previews):
                     one sentence of what happens with the picture and a button "Continue"
    POST /b/<token>  opens the link (once), sets the short upload cookie, 303 to /b/, so the
                     token leaves the address bar and the history
    GET  /b/         the upload page: camera or a photo, shrunk in the browser, sent with
                     progress, "received", another one until the link's count is used up

An unknown, expired or used link, and /b/ without a valid upload session, all get the same
calm page (HTTP 410): the link is no longer valid, call back if you need help. Never an error
page, and the same answer for every invalid case.

The pages speak the browser's language (Accept-Language), or the one picked in the small
switch (?lang=): Swedish by default, English, Norwegian, Arabic (right to left) and Somali.
The staff UI's language picker and its Swedish default are not touched: these languages are
activated here only, for these pages (settings.LANGUAGES stays the staff's list).

The landing page's form is protected against cross-site requests by a token of its own (the
form's field equals an HttpOnly, SameSite=Strict cookie set with the page), not by Django's
CSRF middleware: under `Referrer-Policy: no-referrer` browsers send a form's POST with
`Origin: null` and no Referer, which the middleware refuses. A forged cross-site POST carries
no Strict cookie, so it opens nothing.

Every answer: no cache (Cache-Control: no-store), no referrer, no framing, not indexed, and a
Content-Security-Policy that allows only this site's own script, style and connections (no
tracking, no external resources): core.csp.CALLER. The service worker never handles these
pages or the upload.
"""

import secrets

from django.conf import settings
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import trans_real
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core import csp
from imaging.services import link_open, link_state, secret_hash
from imaging.upload_cookie import set_upload_cookie, upload_session_from_request

# (code, name in its own language), in the order of the switch.
CALLER_LANGUAGES = [
    ("sv", "Svenska"),
    ("en", "English"),
    ("nb", "Norsk"),
    ("ar", "العربية"),
    ("so", "Soomaali"),
]
CALLER_DEFAULT_LANGUAGE = "sv"
RTL_LANGUAGES = {"ar", "fa", "he", "ur"}
# Browser languages that read one of ours well enough (Danish and Nynorsk readers: bokmål).
LANGUAGE_ALIASES = {"no": "nb", "nn": "nb", "da": "nb"}


def emergency_number() -> str:
    """What the pages tell a caller to ring when they need help (the centre's country): the
    setting IMAGING_EMERGENCY_NUMBER, read on each request (112 where it is not set)."""
    return getattr(settings, "IMAGING_EMERGENCY_NUMBER", "") or "112"


FORM_COOKIE = "lk_bild_form"
FORM_COOKIE_AGE = 3600

_CODES = {code for code, _name in CALLER_LANGUAGES}


def caller_language(request) -> str:
    """The language of the caller's pages: the switch's choice (?lang=, or the form's field),
    else the first language of the browser's Accept-Language that the pages speak, else
    Swedish."""
    chosen = (request.GET.get("lang") or request.POST.get("lang") or "").lower()
    if chosen in _CODES:
        return chosen
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _q in trans_real.parse_accept_lang_header(header.lower()):
        if code == "*":
            break
        base = code.split("-")[0]
        base = LANGUAGE_ALIASES.get(base, base)
        if base in _CODES:
            return base
    return CALLER_DEFAULT_LANGUAGE


def _headers(request, response):
    add_never_cache_headers(response)  # Cache-Control: no-store (and no-cache, private)
    response["Referrer-Policy"] = "no-referrer"
    response[csp.HEADER] = csp.header(request, csp.CALLER)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["X-Frame-Options"] = "DENY"
    response["Permissions-Policy"] = "geolocation=(), microphone=(), camera=(self)"
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def _render(request, template, lang, context=None, status=200):
    with translation.override(lang):
        context = {
            "lang": lang,
            "rtl": lang in RTL_LANGUAGES,
            "languages": CALLER_LANGUAGES,
            "number": emergency_number(),
            **(context or {}),
        }
        response = render(request, template, context, status=status)
    response["Content-Language"] = lang
    return _headers(request, response)


def _gone(request, lang):
    """The one calm answer for every link that cannot be used (and /b/ without a session)."""
    return _render(request, "frontend/caller/gone.html", lang, status=410)


def _upload_url(lang, request) -> str:
    # Keep the switch's choice across the redirect; a browser language needs nothing.
    return f"/b/?lang={lang}" if request.GET.get("lang") or request.POST.get("lang") else "/b/"


def _landing(request, lang, token, status=200):
    form_token = secrets.token_urlsafe(24)
    response = _render(request, "frontend/caller/landing.html", lang,
                       {"token": token, "form_token": form_token}, status=status)
    response.set_cookie(FORM_COOKIE, form_token, max_age=FORM_COOKIE_AGE, path="/b/",
                        secure=request.is_secure(), httponly=True, samesite="Strict")
    return response


def _form_ok(request) -> bool:
    sent = request.POST.get("form_token", "")
    kept = request.COOKIES.get(FORM_COOKIE, "")
    return bool(sent) and constant_time_compare(sent, kept)


@csrf_exempt  # the form's own token instead (see the module's docstring)
@require_http_methods(["GET", "HEAD", "POST"])
def caller_link(request, token: str):
    lang = caller_language(request)
    if request.method == "POST":
        if not _form_ok(request):
            # Not from our page in this browser (or its cookie was lost): nothing is opened;
            # a usable link gets its page again, with a new form token.
            if link_state(token=token) == "valid":
                return _landing(request, lang, token, status=403)
            return _gone(request, lang)
        opened = link_open(token=token)
        if opened is None:
            # A second tap on Continue (the first one already opened the link here).
            if _holds_session_of(request, token):
                return _headers(request, redirect(_upload_url(lang, request)))
            return _gone(request, lang)
        session, secret = opened
        response = redirect(_upload_url(lang, request))
        response.status_code = 303
        set_upload_cookie(response, secret=secret, expires_at=session.expires_at)
        response.delete_cookie(FORM_COOKIE, path="/b/", samesite="Strict")
        return _headers(request, response)
    if link_state(token=token) == "valid":
        return _landing(request, lang, token)
    if _holds_session_of(request, token):
        # This browser opened the link already (the token is used now): straight on.
        return _headers(request, redirect(_upload_url(lang, request)))
    return _gone(request, lang)


def _holds_session_of(request, token: str) -> bool:
    """Whether this browser has a live upload session from this very link."""
    session = upload_session_from_request(request)
    return session is not None and constant_time_compare(session.link.token_hash,
                                                         secret_hash(token))


@require_http_methods(["GET", "HEAD"])
def caller_upload(request):
    lang = caller_language(request)
    session = upload_session_from_request(request)
    if session is None:
        return _gone(request, lang)
    with translation.override(lang):
        strings = caller_strings()
    return _render(request, "frontend/caller/upload.html", lang, {
        "strings": strings,
        "initial": {"csrf": get_token(request), "lang": lang},
    })


def caller_strings() -> dict:
    """What the upload page's script says, in the active language."""
    return {
        "shrinking": _("Making the picture smaller…"),
        "ready": _("Ready to send ({size})."),
        "sending": _("Sending… {percent} %"),
        "waiting": _("No connection. Trying again in {s} s…"),
        "offline": _("No connection. The picture is sent when the phone is online again."),
        "failed": _("The picture could not be sent. Check the connection and try again."),
        "too_large": _("The picture is too large. Choose another picture."),
        "unreadable": _("The picture could not be read. Choose another picture."),
        "too_many": _("Too many attempts. Wait a minute and try again."),
        "received": _("The emergency centre has received your picture."),
        # What became of it (the page asks the upload API after the 201).
        "arrived": _("The picture has reached the emergency centre."),
        "rejected_title": _("Could not be used"),
        "rejected": _("The picture could not be used. Please take a new one."),
        "take_new": _("Take a new picture"),
        "rejected_last": _("The picture could not be used, and this link takes no more pictures."),
        "sent_before": _("Pictures the emergency centre already has from you: {n}"),
        "rejected_earlier": _("An earlier picture could not be used."),
        "rejected_earlier_new": _("An earlier picture could not be used. Please take a new one."),
        "remaining": _("Pictures you can still send: {n}"),
        "kb": _("{n} kB"),
        "mb": _("{n} MB"),
    }
