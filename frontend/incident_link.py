"""The alarm link (*larmlänken*) a region's contact gets in the mass-casualty alarm's text:
no account, the token is the credential (stored only as its hash, replaced by a reminder's).

    GET  /larm/<token>  the incident (title, region, place, the latest METHANE report in words,
                        exercise or not), "Kvittera larmet", and for a TiB or a dispatch
                        centre the form to pledge resources; the first look is recorded
    POST /larm/<token>  action=acknowledge (the region's acknowledgement, the blood centre's
                        apart) or action=pledge; 303 back to the page, which says what was done

Plain forms that work without script. An unknown or replaced link gets one calm page (404);
a stood-down incident says so and offers nothing.

As the caller's picture link (frontend.caller): the forms carry a token of their own that must
equal an HttpOnly, SameSite=Strict cookie set with the page (under `Referrer-Policy:
no-referrer` a form's POST comes with `Origin: null`, which Django's CSRF check refuses), and
every answer is not cached, not indexed, not framed, sends no referrer and has the caller's
Content-Security-Policy (core.csp.CALLER). Requests are counted per address (a token cannot
be guessed, but nobody gets to try many).
"""

import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from rest_framework.throttling import SimpleRateThrottle

from core import csp
from core.errors import DomainError
from core.text import text_clean
from incidents.methane import FIELDS, field_label
from incidents.models import ContactKind, IncidentState, PledgeKind
from incidents.services.pledges import COUNT_MAX

FORM_COOKIE = "lk_larm_form"
FORM_COOKIE_AGE = 3600 * 12
FORM_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
PLEDGE_KINDS_OF = (ContactKind.TIB, ContactKind.DISPATCH_CENTRE)


class LinkAddressThrottle(SimpleRateThrottle):
    """Requests to alarm links per address (INCIDENT_LINK_RATE, default 60/min)."""

    scope = "incident_link_ip"

    def get_rate(self):
        return getattr(settings, "INCIDENT_LINK_RATE", "") or "60/min"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _headers(request, response):
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    response[csp.HEADER] = csp.header(request, csp.CALLER)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["X-Frame-Options"] = "DENY"
    response["Permissions-Policy"] = "geolocation=(), microphone=(), camera=()"
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def _page(request, context, status=200, form_token=""):
    response = _headers(request, render(request, "frontend/incident_link.html", context,
                                        status=status))
    if form_token:
        response.set_cookie(FORM_COOKIE, form_token, max_age=FORM_COOKIE_AGE, path="/larm/",
                            secure=request.is_secure(), httponly=True, samesite="Strict")
    return response


def _gone(request, status=404, message=""):
    return _page(request, {"gone": True, "message": message}, status=status)


def _form_ok(request) -> bool:
    sent = request.POST.get("form_token", "")
    kept = request.COOKIES.get(FORM_COOKIE, "")
    return bool(sent) and constant_time_compare(sent, kept)


def methane_lines(report) -> list[tuple[str, str]]:
    """The latest situation report (METHANE) in words (incidents.methane's labels), only what
    is filled in."""
    if report is None:
        return []
    lines = []
    for name in FIELDS:
        value = getattr(report, name)
        if isinstance(value, bool):
            value = _("Yes") if value else _("No")
        if value not in (None, ""):
            lines.append((field_label(name), str(value)))
    return lines


def available_at_parse(value: str) -> datetime | None:
    """"HH:MM" from the form: the next such local time (a time a while ago is tomorrow's)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        clock = datetime.strptime(value, "%H:%M").time()
    except ValueError:
        raise ValueError(_("Give the time as hours and minutes, e.g. 14:30.")) from None
    now = timezone.localtime()
    at = now.replace(hour=clock.hour, minute=clock.minute, second=0, microsecond=0)
    return at + timedelta(days=1) if at < now - timedelta(hours=2) else at


def _context(contact_alarm, *, done="", error="", form=None) -> dict:
    region_alarm = contact_alarm.region_alarm
    incident = region_alarm.incident
    contact = contact_alarm.contact
    blood_centre = contact.kind == ContactKind.BLOOD_CENTRE
    acknowledged_at = (region_alarm.blood_centre_acknowledged_at if blood_centre
                       else region_alarm.acknowledged_at)
    return {
        "incident": incident,
        "stood_down": incident.state == IncidentState.STOOD_DOWN,
        "report": methane_lines(incident.reports.order_by("-version").first()),
        "contact": contact,
        "region": region_alarm.alarm_region,
        "blood_centre": blood_centre,
        "acknowledged_at": acknowledged_at,
        "acknowledged_by": (region_alarm.blood_centre_acknowledged_by if blood_centre
                            else region_alarm.acknowledged_by),
        "may_pledge": contact.kind in PLEDGE_KINDS_OF,
        "pledge_kinds": PledgeKind.choices,
        "pledge_count_max": COUNT_MAX,
        "pledges": list(incident.pledges.filter(alarm_region=region_alarm.alarm_region,
                                                withdrawn_at__isnull=True)),
        "done": done,
        "error": error,
        "form": form or {},
        "pledge_key": secrets.token_hex(16),
    }


def _form_token(request) -> str:
    """The form cookie's token while it holds (a second tab's page must not make the first's
    form "too old"), else a new one."""
    kept = request.COOKIES.get(FORM_COOKIE, "")
    if FORM_TOKEN.match(kept):
        return kept
    return secrets.token_urlsafe(24)


def _active_page(request, contact_alarm, status=200, **kwargs):
    form_token = _form_token(request)
    context = {**_context(contact_alarm, **kwargs), "form_token": form_token}
    return _page(request, context, status=status, form_token=form_token)


def _pledge(contact_alarm, post) -> None:
    from incidents.services.pledges import pledge_record

    kind = post.get("kind", "")
    if kind not in PledgeKind.values:
        raise ValueError(_("Choose what you provide."))
    try:
        count = int(post.get("count", ""))
    except ValueError:
        raise ValueError(_("Give how many, 1 or more.")) from None
    if not 1 <= count <= COUNT_MAX:
        raise ValueError(_("Give how many, from 1 to %(n)s.") % {"n": COUNT_MAX})
    pledge_record(
        incident=contact_alarm.region_alarm.incident,
        alarm_region=contact_alarm.region_alarm.alarm_region, kind=kind, count=count,
        available_at=available_at_parse(post.get("available_at", "")),
        report_to=text_clean(post.get("report_to", "")).strip()[:200],
        note=text_clean(post.get("note", "")).strip()[:300],
        via="link", by_name=contact_alarm.contact.name, idempotency_key=_pledge_key(post))


def _pledge_key(post) -> str | None:
    """The page's own key for this pledge form: a second tap on "Lova" is the same pledge."""
    key = "".join(c for c in post.get("pledge_key", "") if c in "0123456789abcdef")[:32]
    return f"larm-{key}" if key else None


@csrf_exempt  # the form's own token instead (see the module's docstring)
@require_http_methods(["GET", "HEAD", "POST"])
def incident_link(request, token: str):
    from incidents.services.alarm import (
        contact_alarm_acknowledge,
        contact_alarm_by_token,
        contact_alarm_open,
    )

    if not LinkAddressThrottle().allow_request(request, None):
        return _gone(request, status=429, message=_("Too many attempts. Wait a minute and "
                                                    "try again."))
    contact_alarm = contact_alarm_by_token(token=token)
    if contact_alarm is None:
        return _gone(request)
    if request.method != "POST":
        contact_alarm_open(contact_alarm=contact_alarm)
        return _active_page(request, contact_alarm, done=request.GET.get("done", "")[:10])
    if not _form_ok(request):
        return _active_page(request, contact_alarm, status=403,
                            error=_("The page was too old. Try again."))
    if contact_alarm.region_alarm.incident.state == IncidentState.STOOD_DOWN:
        return _active_page(request, contact_alarm, status=409)
    action = request.POST.get("action", "")
    try:
        if action == "acknowledge":
            contact_alarm_acknowledge(contact_alarm=contact_alarm)
        elif action == "pledge" and contact_alarm.contact.kind in PLEDGE_KINDS_OF:
            _pledge(contact_alarm, request.POST)
        else:
            return _active_page(request, contact_alarm, status=400,
                                error=_("Choose what to do."))
    except (ValueError, DomainError) as exc:
        return _active_page(request, contact_alarm, status=400, error=str(exc),
                            form=request.POST)
    response = redirect(f"{request.path}?done={action}")
    response.status_code = 303
    return _headers(request, response)
