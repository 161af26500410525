"""The incident's life cycle over the API: list and raise, the detail, TiB's confirm, reject
and stand-down, more cases, the configured regions. Thin over incidents.services.lifecycle;
an answer with the detail (its cases: patient data) comes from incidents.access, recorded."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import role_permission
from accounts.roles import INCIDENT_ROLES, TIB_ROLES
from core.api import validated_data
from core.errors import NotFound

from ..access import incident_detail_recorded
from ..models import IncidentState, MajorIncident
from ..selectors.incidents import (
    LIST_LIMIT,
    alarm_region_data,
    alarm_regions,
    incident_list,
    incident_row,
)
from ..serializers.incidents import (
    IncidentCasesInputSerializer,
    IncidentRaiseInputSerializer,
    IncidentRejectInputSerializer,
    IncidentStandDownInputSerializer,
)
from ..services import lifecycle

FollowsIncidents = role_permission(*INCIDENT_ROLES)
IsTib = role_permission(*TIB_ROLES)


def _incident(pk: int) -> MajorIncident:
    incident = MajorIncident.objects.filter(pk=pk).first()
    if incident is None:
        raise NotFound(_("No such incident."))
    return incident


def _detail(request, pk: int, reason: str, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(incident_detail_recorded(user=request.user, pk=pk, reason=reason),
                    status=status_code)


class IncidentListView(APIView):
    """GET the incidents, newest first (?state=active: raised and confirmed); POST raises one
    (201 with the detail; the same idempotency key again: 200 with the incident it made)."""

    permission_classes = [FollowsIncidents]

    @extend_schema(responses=None, operation_id="incident_list")
    def get(self, request):
        state = request.query_params.get("state") or None
        if state not in (None, "active", *IncidentState.values):
            return Response({"detail": _("state is active or one of: %(states)s.")
                             % {"states": ", ".join(IncidentState.values)}},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response([incident_row(i) for i in incident_list(state=state)[:LIST_LIMIT]])

    @extend_schema(request=IncidentRaiseInputSerializer, responses=None,
                   operation_id="incident_raise")
    def post(self, request):
        data = validated_data(IncidentRaiseInputSerializer, request)
        incident, created = lifecycle.incident_raise(
            by=request.user, title=data["title"], report=data.get("report"),
            cases=data.get("cases") or [], region=data.get("region"),
            location=data.get("location", ""), latitude=data.get("latitude"),
            longitude=data.get("longitude"), exercise=data.get("exercise", False),
            idempotency_key=data.get("idempotency_key"))
        return _detail(request, incident.pk, "major incident raised",
                       status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class IncidentDetailView(APIView):
    permission_classes = [FollowsIncidents]

    @extend_schema(responses=None, operation_id="incident_detail")
    def get(self, request, pk: int):
        return _detail(request, pk, "major incident opened")


class IncidentConfirmView(APIView):
    """TiB confirms: the regional alarm goes out. Another TiB first: 409 with who and when."""

    permission_classes = [IsTib]

    @extend_schema(request=None, responses=None, operation_id="incident_confirm")
    def post(self, request, pk: int):
        lifecycle.incident_confirm(incident=_incident(pk), by=request.user)
        return _detail(request, pk, "major incident confirmed")


class IncidentRejectView(APIView):
    permission_classes = [IsTib]

    @extend_schema(request=IncidentRejectInputSerializer, responses=None,
                   operation_id="incident_reject")
    def post(self, request, pk: int):
        data = validated_data(IncidentRejectInputSerializer, request)
        lifecycle.incident_reject(incident=_incident(pk), by=request.user,
                                  reason=data.get("reason", ""))
        return _detail(request, pk, "major incident rejected")


class IncidentStandDownView(APIView):
    permission_classes = [IsTib]

    @extend_schema(request=IncidentStandDownInputSerializer, responses=None,
                   operation_id="incident_stand_down")
    def post(self, request, pk: int):
        data = validated_data(IncidentStandDownInputSerializer, request)
        lifecycle.incident_stand_down(incident=_incident(pk), by=request.user,
                                      note=data.get("note", ""))
        return _detail(request, pk, "major incident stood down")


class IncidentCasesView(APIView):
    permission_classes = [FollowsIncidents]

    @extend_schema(request=IncidentCasesInputSerializer, responses=None,
                   operation_id="incident_cases_add")
    def post(self, request, pk: int):
        data = validated_data(IncidentCasesInputSerializer, request)
        lifecycle.incident_cases_add(incident=_incident(pk), by=request.user,
                                     cases=data["cases"])
        return _detail(request, pk, "cases added to a major incident")


class AlarmRegionListView(APIView):
    """The regions of the healthcare region the alarm goes to (configured in the admin)."""

    permission_classes = [FollowsIncidents]

    @extend_schema(responses=None, operation_id="incident_alarm_regions")
    def get(self, request):
        return Response([alarm_region_data(r) for r in alarm_regions()])
