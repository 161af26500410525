"""The screens: sign-in, the dispatch console, the crew tablet and the first responder's phone.

The pages are thin shells; the data comes from the API and the event stream. Each view names
what its scripts need: the string groups (frontend.strings), translated here and handed over as
JSON so the scripts need no catalog, and the domain tables (frontend.tables).
"""

import functools
import re
from datetime import timedelta
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST
from pwa import app_settings as pwa_settings

from accounts.models import Role
from accounts.roles import CONSOLE_ROLES, FOLLOWUP_ROLES, has_role, is_dispatcher, is_manager
from crews.models import Capability, Region
from dispatch.models import CaseType, Priority, SceneFlag
from followup.measures.periods import tertial_of
from frontend.api import me_payload
from frontend.strings import strings_for
from frontend.tables import page_tables
from identity.oidc import oidc_enabled
from identity.services import identity_pending
from ivpa.models import Municipality, Training
from ivpa.services import POSITION_INTERVALS
from push.selectors import vapid_public_key


def ui_languages() -> list[tuple[str, str]]:
    """Languages the UI can really be shown in: the source language (English) and those with
    a compiled catalog, so the switch never offers a language that would show English."""
    locale_dirs = [Path(p) for p in settings.LOCALE_PATHS]
    return [
        (code, name) for code, name in settings.LANGUAGES
        if code == "en" or any((d / code / "LC_MESSAGES" / "django.mo").exists()
                               for d in locale_dirs)
    ]


@functools.cache
def inline_style(name: str) -> str:
    """A built style sheet's text, for a <style> in the page: on a slow network the screen
    then needs no second round trip before it can paint (the page is sent compressed)."""
    path = finders.find(f"frontend/build/{name}")
    return mark_safe(Path(path).read_text(encoding="utf-8").replace("</", "<\\/"))  # noqa: S308


@functools.cache
def module_preloads(name: str) -> tuple[str, ...]:
    """The chunks a built, split module imports statically (frontend/build.mjs splits the
    console), as static paths: the page names them with <link rel="modulepreload">, so they are
    fetched with the module instead of one round trip after it. Read once per process, like
    inline_style() (a new build comes with a restart)."""
    path = finders.find(f"frontend/build/{name}")
    head = Path(path).read_text(encoding="utf-8")[:4000]
    return tuple(f"frontend/build/{chunk}" for chunk in
                 re.findall(r'(?:^|;)import\s*(?:\{[^}]*\}\s*from\s*)?"\./(chunk-[A-Z0-9]+\.js)"',
                            head))


# The groups of frontend.strings that common.js shows: on every page the offline banner; on a
# screen with a live connection also notices (close), the connection indicator and API errors.
PAGE_STRINGS = ("offline",)
SHELL_STRINGS = (*PAGE_STRINGS, "close", "notices", "conn", "error")


def map_tiles() -> dict:
    """The tile layer every map draws (settings.MAP_TILE_*), as the page hands it to map.js."""
    return {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION,
            "max_zoom": settings.MAP_MAX_ZOOM}


def page_context(*, strings=(), tables=(), with_map=False, with_push=False, **extra) -> dict:
    """What every screen's page holds: the language switch, the string groups its scripts use
    (frontend.strings: only those named), the domain tables they read (frontend.tables),
    for a screen with a map its tile layer and, for a screen that offers alerts with the app
    closed, the server's push key (`{"key": null}` when it has no push: nothing is asked)."""
    return {"ui_languages": ui_languages(), "js_strings": strings_for(strings),
            "tables": page_tables(tables), "map_tiles": map_tiles() if with_map else None,
            "push": {"key": vapid_public_key()} if with_push else None, **extra}


class SignInForm(AuthenticationForm):
    """Django's sign-in form with messages a person in a hurry understands."""

    error_messages = {
        "invalid_login": gettext_lazy(
            "Wrong user name or password. Check both and try again."
        ),
        "inactive": gettext_lazy("This account is disabled. Ask an administrator."),
    }
    username = forms.CharField(
        label=gettext_lazy("User name"), max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username",
                                      "autocapitalize": "none", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SignInView(LoginView):
    template_name = "frontend/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "ui_languages": ui_languages(),
                "js_strings": strings_for(PAGE_STRINGS),
                "oidc_provider": settings.OIDC_PROVIDER_NAME if oidc_enabled() else None}

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        try:
            if form.is_valid():
                return self.form_valid(form)
        except PermissionDenied:
            pass
        # Django's authenticate() swallows the lockout backend's PermissionDenied and answers
        # "no user": the backend leaves its refusal (a name that must wait, an address shut
        # out) on the request.
        refusal = getattr(request, "login_refusal", None)
        if refusal is None:
            return self.form_invalid(form)
        return self.render_to_response(
            self.get_context_data(
                form=form, locked=refusal.kind,
                locked_until=formats.time_format(timezone.localtime(refusal.until), "H:i:s"),
            ),
            status=429,
        )


def start_screen(user) -> str | None:
    """The URL name of the screen of the user's role (None: the role has no screen)."""
    if not user.is_authenticated:
        return None
    field = {Role.CREW: "crew", Role.RESPONDER: "responder", Role.MOBILE_CARE: "mobile",
             Role.TIB: "tib"}
    if user.role in field:
        return field[user.role]
    if user.role == Role.MANAGER:
        return "followup"  # the centre manager (verksamhetschef) has no console
    return "console" if is_dispatcher(user) else None


def start_url_for(user) -> str:
    """Where the installed app opens: the screen of the user's role."""
    screen = start_screen(user)
    return reverse(screen) if screen else "/"


def manifest(request):
    """django-pwa's manifest (its template and PWA_* settings), with the start URL of the
    signed-in user's role: the page links it with crossorigin="use-credentials" so the
    browser sends the session cookie."""
    context = {name: getattr(pwa_settings, name) for name in dir(pwa_settings)
               if name.startswith("PWA_")}
    context["PWA_APP_START_URL"] = start_url_for(request.user)
    response = render(request, "manifest.json", context, content_type="application/manifest+json")
    patch_vary_headers(response, ("Cookie",))
    patch_cache_control(response, private=True, max_age=0)
    return response


def offline(request):
    """The page the service worker shows when a screen was never stored and there is no
    network. Same for everyone (no user, no patient data), so it is stored at install."""
    return render(request, "frontend/offline.html",
                  {"ui_languages": [], "js_strings": strings_for(PAGE_STRINGS)})


@login_required
def home(request):
    screen = start_screen(request.user)
    if screen:
        return redirect(screen)
    return render(request, "frontend/placeholder.html", page_context(strings=PAGE_STRINGS))


@require_POST
def sign_out(request):
    logout(request)
    return redirect("login")


def _require(request, *roles):
    if not has_role(request.user, *roles):
        raise PermissionDenied


@gzip_page
@login_required
def console(request):
    _require(request, *CONSOLE_ROLES)
    return render(request, "frontend/console.html", page_context(
        strings=(*SHELL_STRINGS, "status", "kind", "time", "console", "console.messages",
                 "console.ivpa",
                 "console.images", "console.referrals", "console.map", "console.panels",
                 "console.person", "console.recommend", "ivpa", "referral", "priority_short",
                 "console.edit", "console.history", "console.feedback", "console.panic",
                 "console.safety", "console.staging", "console.incident"),
        tables=("assignment", "priority", "alert", "ivpa", "news2", "referral", "places",
                "safety", "incident"),
        with_map=True,
        regions=Region.objects.order_by("name"),
        priorities=Priority.choices,
        case_types=CaseType.choices,
        scene_flags=SceneFlag.choices,
        capabilities=Capability.choices,
        ack_timeout=settings.ASSIGNMENT_ACK_TIMEOUT_SECONDS,
        inline_css=inline_style("console.css"), preloads=module_preloads("console.js"),
    ))


@gzip_page
@login_required
def crew(request):
    _require(request, Role.CREW)
    # Who the user is comes with the page (one round trip less on a slow network); it holds
    # no patient data, so the page may be kept by the service worker for an offline start.
    return render(request, "frontend/crew.html", page_context(
        strings=(*SHELL_STRINGS, "status", "crew", "crew.card", "crew.messages", "crew.careplan",
                 "crew.changes", "priority_short", "panic", "crew.safety",
                 "crew.staging", "crew.incident"),
        tables=("assignment", "panic", "safety"),
        with_map=True, with_push=True, navigation_url=settings.NAVIGATION_URL,
        me={**me_payload(request.user), "at": timezone.now().isoformat()},
        inline_css=inline_style("crew.css")))


@gzip_page
@login_required
def responder(request):
    """The first responder's phone: availability and position, a test alarm, the alert with
    its answers, the way there after accepting, and the report after the case. The page
    holds no case data (that comes from the API after accepting), so the service worker may
    keep it for an offline start."""
    _require(request, Role.RESPONDER)
    return render(request, "frontend/responder.html", page_context(
        strings=(*SHELL_STRINGS, "time", "ivpa", "responder"),
        tables=("alert",),
        with_map=True, with_push=True, navigation_url=settings.NAVIGATION_URL,
        me={**me_payload(request.user), "at": timezone.now().isoformat()},
        intervals=POSITION_INTERVALS,
        trainings=Training.choices,
        inline_css=inline_style("responder.css")))


@gzip_page
@login_required
def mobile(request):
    """The mobile care unit's screen (God och nära vård): join the unit, keep its profile, and
    answer the referrals sent to it. The page holds no patient data (referrals come from the
    API), so the service worker may keep it for an offline start."""
    _require(request, Role.MOBILE_CARE)
    return render(request, "frontend/mobile.html", page_context(
        strings=(*SHELL_STRINGS, "priority", "referral", "mobile", "panic"),
        tables=("news2", "referral", "panic"),
        with_push=True,
        me={**me_payload(request.user), "at": timezone.now().isoformat()},
        inline_css=inline_style("mobile.css")))


def followup_setup(user) -> dict:
    """What the follow-up screen starts from: the current tertial (the measures' default), the
    last full one (the station table's), the month before this one (the feedback's), the
    regions, and whether the user edits (the manager) or only reads (a dispatcher)."""
    today = timezone.localdate()
    current = tertial_of(timezone.now())
    year, tertial = current.year, current.tertial
    last_full = current.previous()
    first, last = last_full.first_day, last_full.last_day
    month = today.replace(day=1) - timedelta(days=1)
    return {
        "manager": is_manager(user), "user": user.pk, "today": today.isoformat(),
        "year": year, "tertial": tertial, "years": list(range(year, year - 6, -1)),
        "stations_from": first.isoformat(), "stations_to": last.isoformat(),
        "month": f"{month:%Y-%m}",
        "regions": [{"id": r.pk, "code": r.code, "name": r.name}
                    for r in Region.objects.order_by("name")],
    }


@gzip_page
@login_required
def followup(request):
    """The follow-up screen (*uppföljning*, seed 000 §3, seed 004): the seven measures per
    region and tertial with targets, trends and flagged deviations, the targets, the station
    table, the monthly feedback and the imports. Dispatchers read it; the manager also sets
    targets, follows deviations up and imports data. The data comes from /api/followup/."""
    _require(request, *FOLLOWUP_ROLES)
    return render(request, "frontend/followup.html", page_context(
        strings=(*PAGE_STRINGS, "close", "notices", "error", "followup"),
        setup=followup_setup(request.user),
        is_console_user=is_dispatcher(request.user),
        inline_css=inline_style("followup.css")))


@ensure_csrf_cookie  # the form posts to the API, which asks for the token
def responder_register(request):
    """Sign-up of a volunteer (the form posts to the API, which signs them in)."""
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "frontend/register.html", page_context(
        strings=(*PAGE_STRINGS, "error"),
        trainings=Training.choices, municipalities=Municipality.objects.order_by("name"),
        verified=identity_pending(request), provider_name=settings.OIDC_PROVIDER_NAME))
