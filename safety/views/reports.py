"""Crew reports of threats and violence (*hot- och våldsrapport*): the crew reports from the
unit they work on; the reviewers list them and count them per region for the follow-up (JSON,
CSV or XLSX)."""

from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import role_permission
from accounts.roles import SAFETY_REVIEW_ROLES, SHIFT_ROLES, has_role
from core.api import created, validated_data
from core.errors import Invalid
from core.exports import EXPORT_FORMATS, table_response
from crews.models import Region

from ..selectors.reports import LIST_LIMIT, crew_report_list, crew_report_summary
from ..serializers.reports import CrewReportInputSerializer, crew_report_data, crew_report_row
from ..services.reports import crew_report_create

ReviewsReports = role_permission(*SAFETY_REVIEW_ROLES)
# The longest period the summary counts (the follow-up's station table reads three years).
LONGEST_PERIOD_DAYS = 3 * 366


class ReportersOrReviewers(BasePermission):
    """POST: the crew and mobile care staff (from their unit); GET: the reviewers."""

    message = "Your role may not do this."

    def has_permission(self, request, view) -> bool:
        roles = SHIFT_ROLES if request.method == "POST" else SAFETY_REVIEW_ROLES
        return has_role(request.user, *roles)


def _day(text: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Invalid(_("Give the period as from=YYYY-MM-DD&to=YYYY-MM-DD, e.g. "
                        "from=2026-01-01&to=2026-04-30.")) from None
    if not 2000 <= day.year <= 2100:
        raise Invalid(_("Choose dates between the years %(first)s and %(last)s.")
                      % {"first": 2000, "last": 2100})
    return day


def _period(q, *, required: bool) -> tuple[date | None, date | None]:
    first, last = _day(q.get("from")), _day(q.get("to"))
    if required and (first is None or last is None):
        raise Invalid(_("Give the period as from=YYYY-MM-DD&to=YYYY-MM-DD, e.g. "
                        "from=2026-01-01&to=2026-04-30."))
    if first and last and first > last:
        raise Invalid(_("The period starts (from) after it ends (to): swap the two dates."))
    if first and last and (last - first).days > LONGEST_PERIOD_DAYS:
        raise Invalid(_("Choose a period of at most three years."))
    return first, last


def _region(q) -> Region | None:
    text = q.get("region", "").strip()
    if not text:
        return None
    found = (Region.objects.filter(pk=int(text)).first() if text.isascii() and text.isdigit()
             else Region.objects.filter(code__iexact=text).first())
    if found is None:
        raise Invalid(_("Unknown region: give the id of a region (GET /api/regions/), or "
                        "leave it out for all."))
    return found


class CrewReportListView(APIView):
    """POST: a report from the crew (replay of its idempotency key: 200, the same report).
    GET (reviewers): the reports, newest first, ?region=&from=&to=."""

    permission_classes = [ReportersOrReviewers]

    @extend_schema(request=CrewReportInputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        data = validated_data(CrewReportInputSerializer, request)
        report, new = crew_report_create(by=request.user, **data)
        answer = crew_report_data(report)
        return created(answer) if new else Response(answer)

    @extend_schema(parameters=[
        OpenApiParameter("region", OpenApiTypes.STR),
        OpenApiParameter("from", OpenApiTypes.DATE),
        OpenApiParameter("to", OpenApiTypes.DATE),
    ], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        q = request.query_params
        first, last = _period(q, required=False)
        reports = crew_report_list(region=_region(q), start=first, end=last)[:LIST_LIMIT]
        return Response([crew_report_row(r) for r in reports])


def summary_headers() -> list[str]:
    return [_("Region"), _("Category"), _("Reports"), _("Of which violence")]


def summary_rows(summary: dict) -> list[list]:
    rows = []
    for region in summary["regions"]:
        rows.append([region["region_name"], _("All categories"), region["reports"],
                     region["violence"]])
        rows.extend([region["region_name"], c["category_label"], c["reports"], c["violence"]]
                    for c in region["categories"])
    return rows


class CrewReportSummaryView(APIView):
    """?from=2026-01-01&to=2026-04-30[&format=csv|xlsx]: the reports counted per region and
    category, with how many were violence (figures only, no patient data)."""

    permission_classes = [ReviewsReports]

    def perform_content_negotiation(self, request, force=False):
        # ?format= names the download here, not one of DRF's renderers.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(parameters=[
        OpenApiParameter("from", OpenApiTypes.DATE, required=True),
        OpenApiParameter("to", OpenApiTypes.DATE, required=True),
        OpenApiParameter("format", OpenApiTypes.STR, enum=list(EXPORT_FORMATS)),
    ], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        q = request.query_params
        first, last = _period(q, required=True)
        export = q.get("format", "").strip().lower()
        if export not in ("", "json", *EXPORT_FORMATS):
            raise Invalid(_("Choose format=csv or format=xlsx, or leave it out for the "
                            "table on screen."))
        summary = crew_report_summary(start=first, end=last)
        if export in ("", "json"):
            return Response(summary)
        return table_response(name=f"threats-and-violence-{first}-{last}",
                              headers=summary_headers(), rows=summary_rows(summary),
                              format=export, sheet=_("Threats and violence"))
