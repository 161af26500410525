"""The official on duty's phone (*TiB, tjänsteman i beredskap*, seed 001): the major incidents,
the decision on a raised one (confirm or reject), and once confirmed the regions' alarm and
pledges, the switch to mass-casualty triage, the METHANE report and the stand-down.

The page is a thin shell like the other phone screens: the incidents come from /api/incidents/
and the `incidents` stream. It holds no patient data (the cases' addresses come from the API),
so the service worker may keep it for an offline start."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.gzip import gzip_page

from accounts.roles import TIB_ROLES
from frontend.api import me_payload
from frontend.views import SHELL_STRINGS, _require, inline_style, page_context
from incidents.models import PledgeKind
from incidents.triage_indicators import indicator_items, indicators_configured


@gzip_page
@login_required
def tib(request):
    """TiB's screen: who may decide (TiB, an administrator) opens it."""
    _require(request, *TIB_ROLES)
    return render(request, "frontend/tib.html", page_context(
        strings=(*SHELL_STRINGS, "tib"),
        with_push=True,
        me={**me_payload(request.user), "at": timezone.now().isoformat()},
        # The indicators triage may be switched on (the server's list, in its order) and the
        # kinds a region may pledge, with their words.
        setup={"indicators": indicator_items(indicators_configured()),
               "pledge_kinds": [{"code": c, "text": str(t)} for c, t in PledgeKind.choices],
               "pledge_minimum": settings.INCIDENT_PLEDGE_MINIMUM},
        inline_css=inline_style("tib.css")))
