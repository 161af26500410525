"""Seed 000's seven measures for every region and a tertial (the tertial report): JSON for the
screen and the printable report, CSV or XLSX to download. Read by everyone who reads the
follow-up; figures only, no patient data."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import role_permission
from accounts.roles import FOLLOWUP_ROLES
from core.errors import Invalid
from core.exports import EXPORT_FORMATS, table_response

from ..measures.periods import tertial_of
from ..selectors import tertial_report

ReadsFollowup = role_permission(*FOLLOWUP_ROLES)


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def report_headers() -> list[str]:
    return [_("Measure"), _("Name"), _("Region"), _("Value"), _("Unit"), _("Count"),
            _("Target"), _("Meets the target"), _("Deviations")]


def report_rows(report: dict) -> list[list]:
    """One row per measure and region."""
    names = {r["id"]: r["name"] for r in report["regions"]}
    units = {"seconds": _("seconds"), "share": _("share (0–1)")}
    rows = []
    for measure in report["measures"]:
        for row in measure["regions"]:
            target = row.get("target")
            rows.append([
                measure["measure"], measure["name"], names[row["region"]], row["value"],
                units[measure["unit"]], row["count"],
                f"{target['comparison_words']} {target['value']:g}" if target else None,
                _yes_no(row["meets_target"]),
                "; ".join(d["words"] for d in row["deviations"]) or None,
            ])
    return rows


class MeasuresView(APIView):
    """?year=2026&tertial=3[&format=csv|xlsx]; without year and tertial, the tertial of
    today."""

    permission_classes = [ReadsFollowup]

    def perform_content_negotiation(self, request, force=False):
        # ?format= names the download here, not one of DRF's renderers.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(parameters=[
        OpenApiParameter("year", OpenApiTypes.INT),
        OpenApiParameter("tertial", OpenApiTypes.INT, enum=[1, 2, 3]),
        OpenApiParameter("format", OpenApiTypes.STR, enum=list(EXPORT_FORMATS)),
    ], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        q = request.query_params
        export = q.get("format", "").strip().lower()
        if export not in ("", "json", *EXPORT_FORMATS):
            raise Invalid(_("Choose format=csv or format=xlsx, or leave it out for the "
                            "report on screen."))
        now = tertial_of(timezone.now())
        report = tertial_report(year=q.get("year", now.year),
                                tertial=q.get("tertial", now.tertial))
        if export in ("", "json"):
            return Response(report)
        return table_response(
            name=f"measures-{report['year']}-T{report['tertial']}", headers=report_headers(),
            rows=report_rows(report), format=export, sheet=_("Measures %(label)s")
            % {"label": report["label"]})
