"""The station table (seed 004) for a period: JSON for the screen, CSV or XLSX to download.
Read by everyone who reads the follow-up; figures only, no patient data."""

from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import role_permission
from accounts.roles import FOLLOWUP_ROLES
from core.errors import Invalid
from core.exports import EXPORT_FORMATS, table_response
from crews.models import Region

from ..stations import PRIORITIES, station_table
from ..stations.table import LONGEST_PERIOD_YEARS

ReadsFollowup = role_permission(*FOLLOWUP_ROLES)


# The years the follow-up reads (as the tertial report's); outside them a day is a typing
# error, and near year 1 or 9999 the period's arithmetic would overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except (AttributeError, ValueError):
        raise Invalid(_("Give the period as from=YYYY-MM-DD&to=YYYY-MM-DD, e.g. "
                        "from=2026-01-01&to=2026-04-30.")) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Invalid(_("Choose dates between the years %(first)s and %(last)s.")
                      % {"first": FIRST_YEAR, "last": LAST_YEAR})
    return day


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def period_from_query(q) -> tuple[date, date]:
    """from and to, both days included; refused in words when missing, unreadable, the wrong
    way round or longer than three years."""
    first, last = _day(q.get("from", "")), _day(q.get("to", ""))
    if first > last:
        raise Invalid(_("The period starts (from) after it ends (to): swap the two dates."))
    if last >= _years_later(first, LONGEST_PERIOD_YEARS):
        raise Invalid(_("Choose a period of at most three years."))
    return first, last


def region_from_query(q) -> Region | None:
    text = q.get("region", "").strip()
    if not text:
        return None
    try:
        return Region.objects.get(pk=int(text))
    except (ValueError, Region.DoesNotExist):
        raise Invalid(_("Unknown region: give the id of a region (GET /api/regions/), or "
                        "leave it out for all.")) from None


def table_rows(table: dict) -> list[list]:
    """One row per station and per unit ("all units" first), per priority ("all" first)."""
    rows = []
    for station in table["stations"]:
        for unit in [None, *station["unit_rows"]]:
            line = station if unit is None else unit
            for key in ("all", *PRIORITIES):
                figures = line["response"][key]
                rows.append([
                    station["region_name"], station["name"],
                    _("All units") if unit is None else unit["call_sign"],
                    _("All priorities") if key == "all" else key,
                    figures["count"], figures["mean"], figures["median"], figures["p90"],
                    line["active_s"], line["standby_s"], line["utilisation"],
                ])
    return rows


def table_headers() -> list[str]:
    return [_("Region"), _("Station"), _("Unit"), _("Priority at dispatch"),
            _("Cases with a unit on scene"),
            _("Mean response time (s)"), _("Median response time (s)"),
            _("90th percentile response time (s)"), _("Active time (s)"),
            _("Standby time (s)"), _("Utilisation (0–1)")]


class StationTableView(APIView):
    """?from=2026-01-01&to=2026-04-30[&region=1][&format=csv|xlsx]"""

    permission_classes = [ReadsFollowup]

    def perform_content_negotiation(self, request, force=False):
        # ?format= names the download here, not one of DRF's renderers.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(parameters=[
        OpenApiParameter("from", OpenApiTypes.DATE, required=True),
        OpenApiParameter("to", OpenApiTypes.DATE, required=True),
        OpenApiParameter("region", OpenApiTypes.INT),
        OpenApiParameter("format", OpenApiTypes.STR, enum=list(EXPORT_FORMATS)),
    ], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        q = request.query_params
        first, last = period_from_query(q)
        region = region_from_query(q)
        export = q.get("format", "").strip().lower()
        if export not in ("", "json", *EXPORT_FORMATS):
            raise Invalid(_("Choose format=csv or format=xlsx, or leave it out for the "
                            "table on screen."))
        table = station_table(start=first, end=last, region=region)
        if export in ("", "json"):
            return Response(table)
        return table_response(name=f"stations-{first}-{last}", headers=table_headers(),
                              rows=table_rows(table), format=export, sheet=_("Station table"))
