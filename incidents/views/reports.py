"""The situation report's versions, TiB's triage decision, the mode the crews' screens show,
and the timeline for the follow-up (JSON, CSV or XLSX). Thin over incidents.services.reports
and .triage; nothing here shows a case (the timeline gives only the first case's time)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.roles import INCIDENT_ROLES, SHIFT_ROLES, has_role
from core.api import created, idempotent
from core.errors import Invalid, NotFound
from core.exports import EXPORT_FORMATS, table_response
from core.times import iso

from ..models import MajorIncident
from ..selectors.incidents import report_data, triage_data
from ..selectors.reports import report_latest, report_versions, triage_latest, triage_mode
from ..selectors.timeline import incident_timeline, timeline_headers, timeline_rows
from ..serializers.reports import SituationReportInputSerializer, TriageDecisionInputSerializer
from ..services.reports import report_fields_checked, report_write
from ..services.triage import triage_decide

# Who reads an incident's report and timeline: those who follow incidents, and the manager
# (the follow-up). The mode: besides them, the crews and mobile care staff.
READER_ROLES = (*INCIDENT_ROLES, Role.MANAGER)
MODE_ROLES = (*INCIDENT_ROLES, *SHIFT_ROLES)


def _roles(get: tuple[str, ...], post: tuple[str, ...] = ()) -> type[BasePermission]:
    class ByMethod(BasePermission):
        message = gettext_lazy("Your role may not do this.")

        def has_permission(self, request, view) -> bool:
            return has_role(request.user, *(get if request.method == "GET" else post))

    return ByMethod


def _incident(pk: int) -> MajorIncident:
    incident = MajorIncident.objects.filter(pk=pk).first()
    if incident is None:
        raise NotFound(_("No such incident."))
    return incident


def _body(request) -> dict:
    if not isinstance(request.data, dict):
        raise Invalid(_("Send the fields as a JSON object."))
    return {k: v for k, v in request.data.items() if k != "idempotency_key"}


class SituationReportListView(APIView):
    """GET every version of the incident's situation report (METHANE), newest first; POST a
    new version (201): the fields sent, the others as the latest version had them."""

    permission_classes = [_roles(READER_ROLES, INCIDENT_ROLES)]

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, operation_id="incident_reports_list")
    def get(self, request, pk: int):
        incident = _incident(pk)
        return Response([report_data(r) for r in report_versions(incident=incident)])

    @extend_schema(request=SituationReportInputSerializer,
                   responses={201: OpenApiTypes.OBJECT}, operation_id="incident_report_write")
    def post(self, request, pk: int):
        incident = _incident(pk)
        # Checked here, before they become keyword arguments: a field named "by" or
        # "incident" is an unknown field of the report (400), not a clash with the service's.
        fields = report_fields_checked(_body(request))

        def act() -> Response:
            return created(report_data(report_write(incident=incident, by=request.user,
                                                    **fields)))

        return idempotent(request, scope=f"incident-report:{pk}", action=act,
                          replay=lambda: Response(report_data(report_latest(
                              incident=incident))))


class TriageDecisionView(APIView):
    """POST {active, indicators[], note, idempotency_key?}: TiB switches mass-casualty triage
    on or off (a dispatcher: 403); a replay of the key answers the decision in force."""

    permission_classes = [_roles((), INCIDENT_ROLES)]

    @extend_schema(request=TriageDecisionInputSerializer, responses={200: OpenApiTypes.OBJECT},
                   operation_id="incident_triage_decide")
    def post(self, request, pk: int):
        incident = _incident(pk)
        data = _body(request)

        def act() -> Response:
            return Response(triage_data(triage_decide(
                incident=incident, by=request.user, active=data.get("active"),
                indicators=data.get("indicators", []), note=data.get("note", ""))))

        return idempotent(request, scope=f"incident-triage:{pk}", action=act,
                          replay=lambda: Response(triage_data(triage_latest(incident))))


class TriageModeView(APIView):
    """GET the mass-casualty triage mode: {active, incident, title, exercise, since,
    indicators[{code, text}]}, for the crews' and mobile units' screens, the console and TiB.
    Nothing of the cases."""

    permission_classes = [_roles(MODE_ROLES)]

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, operation_id="incident_mode")
    def get(self, request):
        mode = triage_mode()
        return Response({**mode, "since": iso(mode["since"])})


class IncidentTimelineView(APIView):
    """GET the incident's timeline (?format=csv|xlsx: as a file): every logged step with its
    time, and the times from the first case to the raise, the confirmation, the alarm reaching
    each region and each region's pledges meeting the rule."""

    permission_classes = [_roles(READER_ROLES)]

    def perform_content_negotiation(self, request, force=False):
        # ?format= names the download here, not one of DRF's renderers.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(parameters=[OpenApiParameter("format", OpenApiTypes.STR,
                                                enum=list(EXPORT_FORMATS))],
                   responses={200: OpenApiTypes.OBJECT}, operation_id="incident_timeline")
    def get(self, request, pk: int):
        incident = _incident(pk)
        export = request.query_params.get("format", "").strip().lower()
        if export not in ("", "json", *EXPORT_FORMATS):
            raise Invalid(_("Choose format=csv or format=xlsx, or leave it out for the "
                            "timeline on screen."))
        timeline = incident_timeline(incident=incident)
        if export in ("", "json"):
            return Response(timeline)
        return table_response(name=f"incident-{incident.pk}-timeline",
                              headers=timeline_headers(), rows=timeline_rows(timeline),
                              format=export, sheet=_("Timeline"))
