"""The printable situation report of a major incident (*initial lägesbild*, METHANE): the
latest version by letter, who wrote it and when, the earlier versions, TiB's triage decision,
each region's pledges against the rule and the times from the first case. One HTML page with
print styles and no script (the DOCUMENT policy): the browser prints it. It shows no case (no
patient data): the incident's own place and the figures only."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import follows_incidents, is_manager
from core import csp
from core.choices import choice_label
from incidents.methane import LETTERS, field_label
from incidents.models import MajorIncident
from incidents.selectors.pledges import regions_pledged
from incidents.selectors.reports import report_versions, triage_latest
from incidents.selectors.timeline import incident_timeline
from incidents.triage_indicators import TriageIndicator


def _value_text(name: str, value) -> str:
    if name == "major_incident_declared":
        return _("Yes") if value else _("No")
    if value in (None, ""):
        return "–"
    return str(value)


def _letters(report) -> list[dict]:
    """Each METHANE letter with its heading and its fields' words and values."""
    return [{"letter": letter, "heading": str(heading),
             "rows": [{"label": field_label(name),
                       "value": _value_text(name, getattr(report, name) if report else None)}
                      for name in names]}
            for letter, heading, names in LETTERS]


def _regions(incident: MajorIncident, timeline: dict) -> list[dict]:
    times = {r["id"]: r for r in timeline["regions"]}
    return [{**row, "times": times.get(row["id"])}
            for row in regions_pledged(incident=incident, also=times)]


def _context(incident: MajorIncident) -> dict:
    versions = list(report_versions(incident=incident))
    decision = triage_latest(incident)
    timeline = incident_timeline(incident=incident)
    return {
        "incident": incident, "report": versions[0] if versions else None,
        "letters": _letters(versions[0] if versions else None), "versions": versions,
        "triage": decision,
        "triage_indicators": [choice_label(TriageIndicator, c)
                              for c in (decision.indicators if decision else [])],
        "regions": _regions(incident, timeline), "timeline": timeline,
        "minimum": settings.INCIDENT_PLEDGE_MINIMUM,
    }


@login_required
def incident_report(request, pk: int):
    """GET: the page for dispatchers, TiB and the manager; 403 for the others."""
    if not (follows_incidents(request.user) or is_manager(request.user)):
        raise PermissionDenied
    incident = MajorIncident.objects.select_related("region").filter(pk=pk).first()
    if incident is None:
        raise Http404
    html = render_to_string("frontend/incident_report.html", {
        **_context(incident), "care_unit": settings.CARE_UNIT_NAME,
        "printed_at": timezone.localtime(), "printed_by": str(request.user)}, request=request)
    response = HttpResponse(html)
    response["Content-Type"] = "text/html; charset=utf-8"
    response["Cache-Control"] = "private, no-store"
    response[csp.HEADER] = csp.header(request, csp.DOCUMENT)
    response["X-Content-Type-Options"] = "nosniff"
    return response
