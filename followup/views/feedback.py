"""Each dispatcher's monthly feedback: a dispatcher reads their own (another's does not exist
for them: 404), the manager and an administrator everyone's. Figures only, no patient data."""

import re
from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import role_permission
from accounts.roles import FOLLOWUP_ROLES, is_manager
from core.errors import Invalid, NotFound
from core.exports import EXPORT_FORMATS, table_response

from .. import services
from ..feedback import FIGURES, report_data, report_months, reports_visible_to

ReadsFollowup = role_permission(*FOLLOWUP_ROLES)
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(text: str | None) -> date | None:
    if not text:
        return None
    found = MONTH.match(text.strip())
    if found and 1 <= int(found[2]) <= 12 and int(found[1]) >= 1:
        return date(int(found[1]), int(found[2]), 1)
    raise Invalid(_("Give the month as year and month, e.g. month=2026-11."))


def _dispatcher_id(text: str | None) -> int | None:
    if text in (None, ""):
        return None
    try:
        number = int(text)
    except ValueError:
        number = 0
    # An id the database cannot hold (SQLite overflows past 2^63, PostgreSQL's integer past
    # 2^31 - 1) is as unknown as a word.
    if not 1 <= number <= 2**31 - 1:
        raise Invalid(_("Give the dispatcher by their number, e.g. dispatcher=12."))
    return number


def _figure_headers() -> list[str]:
    words = {
        "cases": _("Cases handled"),
        "p1a_cases": _("Priority 1A cases"),
        "p1a_median_answer_to_alert_s": _("1A: median seconds from answered call to alert"),
        "priority_changes": _("Priority changes"),
        "priority_changes_with_reason_share": _("Priority changes with a reason (share)"),
        "referrals": _("Referrals"),
        "referral_recontact_24h_share": _("Referrals dispatched at priority 1 within 24 h "
                                          "(share)"),
    }
    centre = _("Centre median: %(figure)s")
    return [words[n] for n in FIGURES] + [centre % {"figure": words[n]} for n in FIGURES]


class FeedbackListView(APIView):
    """?month=2026-11[&dispatcher=<id>][&format=csv|xlsx]: the month's reports (by default
    the latest month with one), and every month there are reports of."""

    permission_classes = [ReadsFollowup]

    def perform_content_negotiation(self, request, force=False):
        # ?format= names the download here, not one of DRF's renderers.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(parameters=[
        OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM"),
        OpenApiParameter("dispatcher", OpenApiTypes.INT),
        OpenApiParameter("format", OpenApiTypes.STR, enum=list(EXPORT_FORMATS)),
    ], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        q = request.query_params
        month = _month(q.get("month"))
        dispatcher_id = _dispatcher_id(q.get("dispatcher"))
        output = q.get("format", "").strip().lower()
        if output not in ("", "json", *EXPORT_FORMATS):
            raise Invalid(_("Choose format=csv or format=xlsx, or leave it out for the "
                            "table on screen."))
        output = "" if output == "json" else output
        if (dispatcher_id is not None and dispatcher_id != request.user.pk
                and not is_manager(request.user)):
            raise NotFound(_("No such dispatcher's feedback."))
        reports = reports_visible_to(request.user, dispatcher_id=dispatcher_id)
        months = report_months(reports)
        if month is None and months:
            month = months[0]
        rows = [report_data(r) for r in reports.filter(month=month).order_by(
            "dispatcher__display_name", "dispatcher__username")] if month else []
        if output:
            name = f"feedback-{month:%Y-%m}" if month else "feedback"
            return table_response(
                name=name, format=output, sheet=_("Monthly feedback"),
                headers=[_("Dispatcher"), _("Month"), *_figure_headers()],
                rows=[[r["dispatcher"]["name"], r["month"],
                       *(r["figures"][n] for n in FIGURES), *(r["centre"][n] for n in FIGURES)]
                      for r in rows])
        return Response({"month": f"{month:%Y-%m}" if month else None,
                         "months": [f"{m:%Y-%m}" for m in months], "reports": rows})


class FeedbackReadView(APIView):
    """The dispatcher has read their report (only their own)."""

    permission_classes = [ReadsFollowup]

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        try:
            report = services.dispatcher_report_read(report_id=pk, by=request.user)
        except services.ReportNotFound:
            raise NotFound(_("No such report of yours.")) from None
        return Response(report_data(report))
