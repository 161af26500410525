"""The printable tertial report (*tertialrapport*) for the board: each measure with its target,
the three regions side by side, the deviations flagged in words, the follow-up records still
open, and a chart of the previous tertials per region. One HTML page with print styles (A4, a
page per group of measures) and no script at all (the DOCUMENT policy): the browser prints
it (Ctrl+P). Figures only, no patient data."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import reads_followup
from core import csp
from core.errors import DomainError
from followup import selectors
from followup.services.records import tertial_checked

from .charts import trend_svg
from .figures import SECONDS, figure_text, number_text

# The report's pages: the measures printed together.
GROUPS = ((gettext_lazy("Times"), (1, 2)), (gettext_lazy("Priorities"), (3, 4, 7)),
          (gettext_lazy("Referrals"), (5, 6)))


def _target_text(target: dict | None, unit: str) -> str:
    if not target:
        return _("No target set")
    return _("%(comparison)s %(value)s (from %(day)s)") % {
        "comparison": target["comparison_words"],
        "value": figure_text(target["value"], unit), "day": target["valid_from"]}


def _meets_text(meets: bool | None) -> str:
    if meets is None:
        return "–"
    return _("Yes") if meets else _("No")


def _source_text(measure: int, source: str | None) -> str:
    """Measures 1 and 2 in words when their figure is not (only) from the calls (the API's
    `source`); "" otherwise."""
    words = {(1, "cases"): _("From the case's times: no call linked"),
             (1, "calls_and_cases"): _("Partly from the case's times: no call linked"),
             (2, "cases"): _("From the cases: no call log"),
             (2, "calls_and_cases"): _("Partly from the cases: no call log")}
    return words.get((measure, source), "")


def _deviation_text(deviation: dict, unit: str) -> str:
    """The report's sentence (its p-value in it), and the figure it deviated from."""
    words = {"region": _("%(words)s; the other regions together: %(other)s"),
             "trend": _("%(words)s; the previous tertials together: %(other)s")}
    return words.get(deviation["kind"], "%(words)s") % {
        "words": deviation["words"], "other": figure_text(deviation["compared_with"], unit)}


def _measure_view(item: dict, names: dict[int, str], records: list) -> dict:
    unit = item["unit"]
    regions = [{
        "name": names.get(r["region"], ""),
        "value": figure_text(r["value"], unit),
        "missing": r["value"] is None,
        "source": _source_text(item["measure"], r.get("source")),
        "count": r["count"],
        "numerator": r.get("numerator"),
        "target": _target_text(r.get("target", item.get("target")), unit),
        "meets": _meets_text(r.get("meets_target")),
        "met": r.get("meets_target"),
        "deviations": [_deviation_text(d, unit) for d in r.get("deviations", [])],
    } for r in item["regions"]]
    centre = item.get("centre") or {}
    series = [{"name": names.get(r["region"], ""),
               "points": [{"label": t["label"], "value": t["value"]} for t in r["trend"]]}
              for r in item["regions"]]
    return {
        "number": item["measure"], "name": item["name"],
        "definition": item.get("definition", ""), "unit": unit,
        "target": _target_text(item.get("target"), unit),
        "target_changed": bool((item.get("target") or {}).get("changed_in_period")),
        "regions": regions,
        # A region with a target of its own: each region's target in the table.
        "targets_differ": any(r.get("target", item.get("target")) != item.get("target")
                              for r in item["regions"]),
        "centre": {"value": figure_text(centre.get("value"), unit),
                   "count": centre.get("count"), "numerator": centre.get("numerator"),
                   "source": _source_text(item["measure"], centre.get("source"))},
        "flagged": any(r["deviations"] for r in regions),
        "chart": trend_svg(series, unit, title=_("%(name)s: the tertials per region")
                           % {"name": item["name"]}),
        "records": [r for r in records if r.measure == item["measure"]],
    }


def _report_context(year: int, tertial: int) -> dict:
    report = selectors.tertial_report(year=year, tertial=tertial)
    names = {r["id"]: r["name"] for r in report["regions"]}
    records = list(selectors.deviation_records(open_until=(year, tertial)).order_by(
        "year", "tertial", "measure", "region__name"))
    measures = {item["measure"]: _measure_view(item, names, records)
                for item in report["measures"]}
    groups = [{"title": str(title), "measures": [measures[n] for n in numbers if n in measures]}
              for title, numbers in GROUPS]
    this = (year, tertial)
    previous = (year - 1, 3) if tertial == 1 else (year, tertial - 1)
    following = (year + 1, 1) if tertial == 3 else (year, tertial + 1)
    try:
        tertial_checked(*following)
    except DomainError:
        following = None
    return {
        "report": report, "groups": [g for g in groups if g["measures"]],
        "regions": report["regions"], "records": records, "this": this,
        "previous": previous, "following": following,
        "alpha": number_text(report.get("alpha", 0.01), 3),
        "printed_at": timezone.localtime(), "seconds": SECONDS,
    }


@login_required
def followup_report(request):
    """GET ?year=&tertial= (the current tertial without them)."""
    if not reads_followup(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    year = request.GET.get("year", "") or today.year
    tertial = request.GET.get("tertial", "") or (today.month - 1) // 4 + 1
    base = {"care_unit": settings.CARE_UNIT_NAME, "printed_by": str(request.user)}
    try:
        year, tertial = tertial_checked(year, tertial)
    except DomainError as refused:
        html = render_to_string("frontend/followup_report.html",
                                {**base, "error": refused.message}, request=request)
        return _answer(HttpResponseBadRequest(html), request)
    html = render_to_string("frontend/followup_report.html",
                            {**base, **_report_context(year, tertial)}, request=request)
    return _answer(HttpResponse(html), request)


def _answer(response: HttpResponse, request) -> HttpResponse:
    response["Content-Type"] = "text/html; charset=utf-8"
    response["Cache-Control"] = "private, no-store"
    response[csp.HEADER] = csp.header(request, csp.DOCUMENT)
    response["X-Content-Type-Options"] = "nosniff"
    return response
