"""The screens: sign-in, the dispatch console, the crew tablet and the first responder's phone.

The pages are thin shells; the data comes from the API and the event stream. Strings the
scripts show are translated here and handed over as JSON, so the scripts need no catalog.
"""

import functools
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
from django.utils import formats, timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST
from pwa import app_settings as pwa_settings

from accounts.models import Role
from accounts.roles import CONSOLE_ROLES, has_role, is_dispatcher
from accounts.services import login_locked_until
from crews.models import Region, UnitKind, UnitStatus
from dispatch.models import AssignmentStatus, CaseType, Priority, SceneFlag
from frontend.api import me_payload
from ivpa.models import AlertStatus, CalloutEnd, ResponderKind, Route, Training
from ivpa.services import POSITION_INTERVALS
from referrals.services import AMBULANCE_PRIORITIES


def ui_languages() -> list[tuple[str, str]]:
    """Languages the UI can really be shown in: the source language (English) and those with
    a compiled catalog, so the switch never offers a language that would show English."""
    locale_dirs = [Path(p) for p in settings.LOCALE_PATHS]
    return [
        (code, name) for code, name in settings.LANGUAGES
        if code == "en" or any((d / code / "LC_MESSAGES" / "django.mo").exists()
                               for d in locale_dirs)
    ]


SKILL_LABELS = {
    "home_visit": gettext_lazy("Home visit"),
    "catheter_care": gettext_lazy("Catheter care"),
    "iv_antibiotics": gettext_lazy("IV antibiotics"),
    "wound_care": gettext_lazy("Wound care"),
    "palliative": gettext_lazy("Palliative care"),
    "medication_review": gettext_lazy("Medication review"),
    "blood_sampling": gettext_lazy("Blood sampling"),
    "fall_assessment": gettext_lazy("Fall assessment"),
    "oxygen_therapy": gettext_lazy("Oxygen therapy"),
}


def referral_strings() -> dict:
    """Strings of a referral, shown on the console and on the mobile care unit's screen."""
    return {
        "line": {"warm": _("Warm handover (red line)"), "cold": _("Cold handover (yellow line)")},
        "from": {
            "warm": _("The dispatcher stays on the line and conferences you in."),
            "cold": _("Passed on from the dispatch centre."),
        },
        "state": {
            "sent": pgettext("referral state", "Waiting for an answer"),
            "accepted": pgettext("referral state", "Accepted"),
            "declined": pgettext("referral state", "Declined"),
            "withdrawn": pgettext("referral state", "Withdrawn"),
            "visited": pgettext("referral state", "Visited"),
        },
        "responsible_centre": _("Responsible: the dispatch centre"),
        "responsible_unit": _("Responsible: {unit}"),
        "deadline": _("To be seen by {time}"),
        "news2": _("NEWS2 {score}"),
        "news2_incomplete": _("incomplete"),
        "news2_none": _("NEWS2: no vital signs"),
        "band": {"low": _("low"), "medium": _("medium"), "high": _("high")},
        "assessment": _("Assessment"),
        "vitals": _("Vital signs"),
        "callback": _("Callback number"),
        "address": _("Address"),
        "outcome_label": _("Outcome"),
        "outcome": {
            "treated_at_home": _("Treated at home"),
            "referred_on": _("Referred on"),
            "needs_ambulance": _("Needs an ambulance"),
        },
        "new_case": _("new case {ref}"),
        "print": _("Print summary"),
        "vital": {
            "rr": _("RR"), "bp": _("BP"), "pulse": _("Pulse"), "temp": _("Temp"),
            "oxygen": _("on oxygen"), "scale2": _("scale 2"),
        },
        # The skills units may offer (settings.REFERRAL_SKILLS), in that order.
        "skill": {code: str(SKILL_LABELS.get(code, code.replace("_", " ")))
                  for code in getattr(settings, "REFERRAL_SKILLS", SKILL_LABELS)},
    }


def js_strings() -> dict:
    """Every string the scripts show, in the request's language."""
    labels = lambda choices: {value: str(label) for value, label in choices}  # noqa: E731
    return {
        "status": {**labels(UnitStatus.choices), **labels(AssignmentStatus.choices)},
        "kind": labels(UnitKind.choices),
        "priority": labels(Priority.choices),
        "conn": {
            "open": _("Live"),
            "connecting": _("Connecting…"),
            "closed": _("Connection lost, retrying…"),
        },
        "error": {
            "network": _("No contact with the server. Check the network."),
            "http": _("The server answered with error {status}."),
        },
        "time": {
            "seconds": _("{n} s"),
            "minutes": _("{n} min"),
            "hours": _("{h} h {m} min"),
            "since": _("since {time} ({elapsed})"),
        },
        "close": _("Close"),
        "offline": {
            "title": _("No network"),
            "since": _("Showing what was known at {time}."),
            "never": _("Showing what this device last knew."),
        },
        "console": {
            "registered": _("Case {ref} registered."),
            "closed": _("Case {ref} closed."),
            "dispatch": _("Dispatch selected ({n})"),
            "dispatch_none": _("Select one or more available units in the unit list first."),
            "dispatched": _("{units} dispatched to {ref}."),
            "cancel": _("Cancel"),
            "cancel_confirm": _("Confirm cancel"),
            "cancelled": _("{unit} cancelled."),
            "redirect": _("Redirect…"),
            "redirect_go": _("Redirect"),
            "redirect_choose": _("Priority 1 case"),
            "redirect_none": _("No open priority 1 case with a higher priority."),
            "redirected": _("{unit} redirected to {ref}."),
            "close_case": _("Close case"),
            "close_confirm": _("Confirm close"),
            "no_cases": _("No open cases."),
            "ack_overdue": _("Not acknowledged within {s} s, re-sent {n}×"),
            "status_overdue": _("Too long in status “{status}”"),
            "warnings": _("{n} warnings"),
            "warning": _("1 warning"),
            "mbs": _("MBS priority {mbs}, changed to {priority}: {reason}"),
            "caller": _("Caller"),
            "pin": _("Personal identity number"),
            "prioritised_line": _("Prioritised line"),
            "on_case": _("On {ref}"),
            "selected_units": _("Selected: {units}"),
            "ivpa": {
                "title": _("IVPA – first responders"),
                "connected": _("IVPA: {n} connected municipalities"),
                "connected_one": _("IVPA: 1 connected municipality"),
                "eligible": _("Responders may be alerted in {municipality}."),
                "not_eligible": _("No IVPA: {reason}"),
                "ambulance_eta": _("Ambulance"),
                "fire_eta": _("Fire and rescue"),
                "volunteers": _("Volunteers nearby"),
                "start": _("Alert IVPA"),
                "cancel": _("Cancel IVPA"),
                "cancel_confirm": _("Confirm cancel IVPA"),
                "started": _("IVPA alerted for {ref}."),
                "cancelled": _("IVPA cancelled for {ref}."),
                "running": _("Alerting: wave {waves}, radius {radius}"),
                "ended": _("Ended: {reason}"),
                "automatic": _("started automatically"),
                "excluded": _("Volunteers kept away: {flag}"),
                "exhausted": _("No more responders within the largest radius."),
                "accepted": _("{accepted} of {needed} accepted"),
                "none_alerted": _("No responder alerted yet."),
                "col_name": _("Responder"),
                "col_distance": _("Distance, ETA"),
                "col_status": _("Status"),
                "col_route": _("Route"),
                "col_arrived": _("Arrived"),
                "badge": _("IVPA: {accepted} on the way"),
            },
            "images": {
                "title": _("Images from the caller"),
                "phone": _("Caller's mobile number"),
                "send": _("Send image link"),
                "sent": _("Image link sent to {phone}."),
                "link": _("Link to {phone}"),
                "count": _("{n} of {max} images"),
                "until": _("valid until {time}"),
                "revoke": _("Withdraw"),
                "revoke_confirm": _("Confirm withdraw"),
                "state": {
                    "queued": _("Waiting to be sent"),
                    "sent": _("Sent"),
                    "delivered": _("Delivered"),
                    "failed": _("SMS not delivered"),
                    "opened": _("Opened"),
                    "expired": _("Expired"),
                    "revoked": _("Withdrawn"),
                    "used": _("All images received"),
                },
                "none": _("No images yet."),
                "received": _("Processing…"),
                "rejected": _("Rejected: {reason}"),
                "deleted": _("Deleted after the retention time"),
                "assessed": _("Assessed"),
                "forwarded": _("Sent to the crew"),
                "image_n": _("Image {n}, received {time}"),
                "badge": _("Images: {n}"),
                "new": _("New image in case {ref}."),
                "viewer": _("Image {n}, case {ref}"),
                "zoom": _("{n} %"),
                "assessed_at": _("Assessed at {time}."),
                "forwarded_to": _("Sent to {unit} at {time}."),
                "forward_none": _("No unit on the case yet: dispatch a unit first."),
                "saved": _("Assessment saved."),
                "forwarded_ok": _("Image sent to {unit}."),
            },
            "referrals": {
                "title": _("Referral to a mobile care unit"),
                "list_title": _("Referrals"),
                "refer": _("Refer…"),
                "skills": _("Skills needed"),
                "units": _("Proposed units"),
                "no_units": _("No mobile care unit is registered."),
                "load": _("{open} of {capacity} open"),
                "pick_unit": _("Choose a unit that can take the referral."),
                "reason": _("Reason for the referral"),
                "assessment": _("Assessment"),
                "vitals": _("Vital signs (if known)"),
                "range": _("normal {normal} (accepted {min}–{max})"),
                "v": {
                    "respiratory_rate": _("Respiratory rate /min"),
                    "spo2": _("SpO₂ %"),
                    "spo2_scale": _("SpO₂ scale"),
                    "scale1": _("Scale 1"),
                    "scale2": _("Scale 2 (target 88–92 %)"),
                    "on_oxygen": _("Air or oxygen"),
                    "air": _("Air"),
                    "oxygen": _("Oxygen"),
                    "systolic_bp": _("Systolic BP mmHg"),
                    "pulse": _("Pulse /min"),
                    "consciousness": _("Consciousness (ACVPU)"),
                    "temperature": _("Temperature °C"),
                },
                "acvpu": {
                    "A": _("Alert"), "C": _("New confusion"), "V": _("Voice"), "P": _("Pain"),
                    "U": _("Unresponsive"),
                },
                "single3": _("a single parameter scores 3"),
                "callback": _("Callback number"),
                "deadline": _("To be seen by"),
                "line": _("Handover"),
                "send": _("Send referral"),
                "cancel": _("Cancel"),
                "sent": _("Referral of {ref} sent to {unit}."),
                "badge": _("Referred to {unit}: {state}"),
                "responsible": _("Responsible: {who}"),
                "centre": _("the dispatch centre"),
                "state_overdue": _("Not accepted in time"),
                "overdue": _("{unit} has not accepted the referral of {ref} in time: act now."),
                "overdue_hint": _(
                    "Not accepted in time: withdraw it and refer to another unit, or send "
                    "an ambulance."),
                "accepted": _("{unit} accepted the referral of {ref}."),
                "declined": _("{unit} declined the referral of {ref}."),
                "declined_reason": _("Declined: {reason}"),
                "visited": _("{unit} visited the patient of {ref}: {outcome}."),
                "visit": _("expected visit {time}"),
                "by": _("by {time}"),
                "outcome": _("Outcome: {outcome}"),
                "new_case": _("New case {ref}"),
                "withdraw": _("Withdraw"),
                "withdraw_confirm": _("Confirm withdraw"),
                "withdrawn": _("Referral to {unit} withdrawn."),
                "withdrawn_reason": _("Withdrawn: {reason}"),
                "deadline_passed": _(
                    "The latest time to see the patient of {ref} has passed and the referral "
                    "to {unit} is still open: act now."),
                "withdraw_reason": _("Reason (optional)"),
                "withdraw_reason_required": _("Reason (the unit is told)"),
                "stats": {
                    "open": _("Statistics"),
                    "title": _("Referrals: statistics"),
                    "from": _("From"),
                    "to": _("To"),
                    "show": _("Show"),
                    "none": _("No referrals in the period."),
                    "col": {
                        "unit": _("Unit"),
                        "referrals": _("Referrals"),
                        "accepted": _("Accepted"),
                        "declined": _("Declined"),
                        "withdrawn": _("Withdrawn"),
                        "overdue": _("Late answer"),
                        "open": _("Open"),
                        "acceptance_rate": _("Acceptance rate"),
                        "to_accept": _("Median time to acceptance"),
                        "to_visit": _("Median time to visit"),
                    },
                    "m5": _(
                        "Measure 5: {share} of referred patients had a priority 1 dispatch within "
                        "24 h ({n} of {of})."),
                },
            },
        },
        "ivpa": {
            "case_type": labels(CaseType.choices),
            "scene_flag": labels(SceneFlag.choices),
            "status": {**labels(AlertStatus.choices), "seen": _("Seen")},
            "route": labels(Route.choices),
            "kind": labels(ResponderKind.choices),
            "end": labels(CalloutEnd.choices),
            "training": labels(Training.choices),
            "metres": _("{n} m"),
            "kilometres": _("{n} km"),
        },
        "responder": {
            "available": _("Available for alerts"),
            "unavailable": _("Not available"),
            "available_on": _("You are available: alerts near you reach this phone."),
            "available_off": _("You are not available: no alerts reach you."),
            "position_at": _("Position shared at {time}."),
            "position_none": _("No position shared yet."),
            "position_denied": _(
                "The phone does not give its position. Allow location for this app, or no "
                "alert can reach you."),
            "saved": _("Saved."),
            "test_sent": _("Test alarm sent, waiting for it…"),
            "test_received": _("Test alarm received after {s} s"),
            "distance": _("{distance} from you"),
            "eta": _("About {eta} to get there"),
            "accepted_at": _("You accepted at {time}."),
            "declined": _("You declined. Thank you for answering."),
            "arrived_at": _("Arrived at {time}."),
            "not_needed": _("You are no longer needed – thank you!"),
            "not_needed_more": _("Enough responders are on their way."),
            "stood_down": _("You have been stood down from this alert."),
            "ended": _("The alert has ended: {reason}."),
            "thanks": _("Thank you for your help."),
            "aed_first": _("Fetch the defibrillator first"),
            "direct": _("Go straight to the patient"),
            "report_sent": _("Thank you! Your report has been sent."),
            "debrief": _("Debrief and support: {contact}"),
            "outcome": _("Outcome: {outcome}"),
            "refused": _("Refused: {detail}"),
            "queued": _("No network: your answer is sent when the network is back."),
            "sending": _("Sending…"),
            "valid_until": _("Valid until {date}"),
            "not_confirmed": _("Not confirmed"),
            "alerts_week": _("{n} alerts in the last 7 days"),
        },
        "referral": referral_strings(),
        "mobile": {
            "available_on": _(
                "The unit is available: the dispatch centre can refer patients to it."),
            "available_off": _("The unit is not available: no referrals are proposed to it."),
            "badge_on": _("Available"),
            "badge_off": _("Not available"),
            "load": _("Open referrals: {load} of {capacity}"),
            "saved": _("Saved."),
            "new": _("New referral from the dispatch centre."),
            "open_n": _("{n} waiting for an answer"),
            "yours": _("The responsibility is yours"),
            "visit_at": _("expected visit {time}"),
            "until_sent": _("until your acceptance has been sent"),
            "withdrawn": _("Withdrawn by the dispatch centre: the dispatch centre is responsible."),
            "withdrawn_notice": _("The dispatch centre withdrew referral {ref}."),
            "declined": _("You declined ({reason}): the dispatch centre is responsible."),
            "patient_withheld": _(
                "The patient's details are no longer shown: "
                "the dispatch centre holds the patient."),
            "accept": _("Accept"),
            "visit_label": _("Expected visit time"),
            "decline": _("Decline"),
            "decline_label": _("Reason for declining"),
            "decline_reason_needed": _("Give a reason for declining."),
            "outcome_title": _("Outcome of the visit"),
            "outcome_note": _("Note (optional)"),
            "outcome_confirm": _("Confirm: {outcome}"),
            "outcome_sent": _("Outcome recorded."),
            "outcome_case": _("Outcome recorded. New case at the dispatch centre: {ref}."),
            "change": {
                "accept": _("Acceptance"),
                "decline": _("Decline"),
                "outcome": _("Outcome"),
            },
            "waiting_change": _("{what} waiting to be sent…"),
            "sending": _("Sending…"),
            "queued": _("Waiting to send: sent when the network is back."),
            "refused": _("Refused: {detail}"),
            "depends": _("Not sent: an earlier answer to this referral was refused."),
            "seen": _("OK"),
            "leave_confirm": _("Tap again to leave"),
            "you_left": _("You are no longer on a unit."),
            "patient": _("Patient"),
            "safety": _("Safety warning"),
            "door_code": _("Door code"),
            "navigate": _("Navigate"),
            "referred_to": _("Referred on to (for “Referred on”)"),
            "referred_to_needed": _("Say to whom the patient was referred on."),
            "ambulance_priority": _("Priority if an ambulance is needed"),
            "ambulance_complaint": _("What the ambulance is for (if needed)"),
            "ambulance_hint": _(
                "“Needs an ambulance” registers a new case at the dispatch centre with this "
                "referral's history; the dispatch centre is then responsible."),
            "withdrawn_reason": _("Reason: {reason}"),
            "overdue": _("Referral {ref} is still waiting for your answer."),
            "deadline_passed": _("The latest time to see the patient of {ref} has passed."),
        },
        "crew": {
            "acknowledge": _("Acknowledge"),
            "step": {
                "en_route": _("En route"),
                "on_scene": _("On scene"),
                "transporting": _("Patient loaded"),
                "at_hospital": _("At hospital"),
                "available": _("Available"),
            },
            "available_no_transport": _("Available without transport"),
            "sending": _("Sending…"),
            "sending_n": _("Sending {n} changes…"),
            "queued": _("Waiting to send ({n}): sent when the network is back."),
            "waiting": _("Waiting to send"),
            "refused": _("Refused: {detail}"),
            "depends": _("Not sent: an earlier change to this assignment was refused."),
            "seen": _("OK"),
            "position": _("Position"),
            "positions": _("Positions ({n})"),
            "cancelled": _("Assignment {ref} was cancelled by the dispatch centre."),
            "redirected": _("You were redirected from {ref} to a new assignment."),
            "joined": _("{name} joined the unit."),
            "left": _("{name} left the unit."),
            "you_left": _("You are no longer on a unit."),
            "leave_confirm": _("Tap again to leave"),
            "image_open": _("Show image {n} in full size"),
            "image_alt": _("Image {n} from the caller"),
            "image_note": _("Dispatch centre's note: {note}"),
            "image_new": _("New image from the dispatch centre."),
        },
    }


@functools.cache
def inline_style(name: str) -> str:
    """A built style sheet's text, for a <style> in the page: on a slow network the screen
    then needs no second round trip before it can paint (the page is sent compressed)."""
    path = finders.find(f"frontend/build/{name}")
    return mark_safe(Path(path).read_text(encoding="utf-8").replace("</", "<\\/"))  # noqa: S308


def page_context(*, without=(), **extra) -> dict:
    strings = {k: v for k, v in js_strings().items() if k not in without}
    return {"ui_languages": ui_languages(), "js_strings": strings, **extra}


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
        return {**super().get_context_data(**kwargs), "ui_languages": ui_languages()}

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        try:
            if form.is_valid():
                return self.form_valid(form)
        except PermissionDenied:
            pass
        # Django's authenticate() swallows the lockout backend's PermissionDenied and answers
        # "no user", so a locked name is told apart here, by asking the lockout itself.
        until = login_locked_until(username=request.POST.get("username", "").strip())
        if until is None:
            return self.form_invalid(form)
        return self.render_to_response(
            self.get_context_data(
                form=form, locked=True,
                locked_until=formats.time_format(timezone.localtime(until), "H:i"),
            ),
            status=429,
        )


def start_url_for(user) -> str:
    """Where the installed app opens: the screen of the user's role."""
    if not user.is_authenticated:
        return "/"
    if user.role == Role.CREW:
        return "/crew/"
    if user.role == Role.RESPONDER:
        return "/responder/"
    if user.role == Role.MOBILE_CARE:
        return "/mobile/"
    if is_dispatcher(user):
        return "/console/"
    return "/"


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
    response = render(request, "frontend/offline.html", {"ui_languages": []})
    return response


@login_required
def home(request):
    if request.user.role == Role.CREW:
        return redirect("crew")
    if request.user.role == Role.RESPONDER:
        return redirect("responder")
    if request.user.role == Role.MOBILE_CARE:
        return redirect("mobile")
    if is_dispatcher(request.user):
        return redirect("console")
    return render(request, "frontend/placeholder.html", page_context())


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
        without=("crew", "responder", "mobile"),
        map_tile_url=settings.MAP_TILE_URL,
        map_tile_attribution=settings.MAP_TILE_ATTRIBUTION,
        regions=Region.objects.order_by("name"),
        priorities=Priority.choices,
        case_types=CaseType.choices,
        scene_flags=SceneFlag.choices,
        ack_timeout=settings.ASSIGNMENT_ACK_TIMEOUT_SECONDS,
    ))


@gzip_page
@login_required
def crew(request):
    _require(request, Role.CREW)
    # Who the user is comes with the page (one round trip less on a slow network); it holds
    # no patient data, so the page may be kept by the service worker for an offline start.
    return render(request, "frontend/crew.html", page_context(
        without=("console", "priority", "ivpa", "responder", "referral", "mobile"),
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
        without=("console", "crew", "priority", "kind", "status", "referral", "mobile"),
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
        without=("console", "crew", "responder", "ivpa"),
        me={**me_payload(request.user), "at": timezone.now().isoformat()},
        ambulance={"priorities": [p.value for p in AMBULANCE_PRIORITIES],
                   "default": settings.REFERRAL_AMBULANCE_DEFAULT_PRIORITY},
        inline_css=inline_style("mobile.css")))


def responder_register(request):
    """Sign-up of a volunteer (the form posts to the API, which signs them in)."""
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "frontend/register.html", page_context(
        without=("console", "crew", "priority", "kind", "status", "ivpa", "time", "referral",
                 "mobile"),
        trainings=Training.choices))
