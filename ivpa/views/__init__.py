"""The IVPA API: thin views over services and selectors.

Responders: register, their profile, availability and position, a test alarm, their own alerts
and the answers to them. Dispatchers: callouts live, start one with a click, cancel, record
the outcome. Administrators: connect municipalities and import the defibrillator register
(administration.py). Administrators and coordinators: vet volunteers (approvals.py).
"""

from django.conf import settings
from django.contrib.auth import login
from django.db import transaction
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import IsDispatcher, SameSiteRequest, role_permission
from core.api import created, idempotent, validated_data
from core.errors import Invalid, NotFound
from dispatch.models import Case
from dispatch.selectors import case_list
from identity.services import identity_complete, identity_pending

from .. import access, arrivals, selectors, services
from ..events import callout_summary
from ..measures import ivpa_measures
from ..models import Callout, CalloutEnd, ResponderKind
from ..serializers import (
    AlertSerializer,
    AtSerializer,
    OutcomeSerializer,
    PositionSerializer,
    RegisterSerializer,
    RegisterVerifiedSerializer,
    ReportSerializer,
    ResponderSerializer,
    ResponderUpdateSerializer,
)

IsResponder = role_permission(Role.RESPONDER)


# --- responders ----------------------------------------------------------------------------


class RegisterView(APIView):
    """A volunteer signs up from the app; the answer signs them in. The page's CSRF token is
    required, as for signing in: no foreign page signs a browser in to an account it made."""

    permission_classes = [SameSiteRequest]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(request=RegisterSerializer, responses=ResponderSerializer)
    def post(self, request):
        # Signed in at an identity provider with no account yet (identity.views): the
        # provider vouches for who they are, so no user name or password is asked for.
        pending = identity_pending(request)
        data = validated_data(RegisterSerializer if pending is None
                              else RegisterVerifiedSerializer, request)
        if pending is not None:
            data["username"], data["password"] = pending.username, None
        with transaction.atomic():
            responder = services.responder_register(**data)
            if pending is not None:
                identity_complete(request, pending, user=responder.user)
        login(request, responder.user, backend=settings.AUTHENTICATION_BACKENDS[0])
        get_token(request)
        return created(ResponderSerializer(responder).data)


class MeView(APIView):
    permission_classes = [IsResponder]

    @extend_schema(responses=ResponderSerializer)
    def get(self, request):
        return Response(ResponderSerializer(services.responder_for(request.user)).data)

    @extend_schema(request=ResponderUpdateSerializer, responses=ResponderSerializer)
    def patch(self, request):
        data = validated_data(ResponderUpdateSerializer, request)
        responder = services.responder_update(
            responder=services.responder_for(request.user), **data)
        return Response(ResponderSerializer(responder).data)


class PositionView(APIView):
    permission_classes = [IsResponder]

    @extend_schema(request=PositionSerializer, responses=None)
    def post(self, request):
        data = validated_data(PositionSerializer, request)
        responder = services.responder_report_position(
            responder=services.responder_for(request.user), **data)
        return Response({"position_at": responder.position_at,
                         "latitude": responder.latitude, "longitude": responder.longitude})


class TestAlarmView(APIView):
    permission_classes = [IsResponder]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "test_alarm"

    @extend_schema(request=None, responses=None)
    def post(self, request):
        event = services.responder_test_alarm(responder=services.responder_for(request.user))
        return Response({"stream": event["stream"], "seq": event["seq"],
                         "sent_at": event["at"]}, status=202)


def _alert_of(request, pk: int):
    alert = selectors.alerts_of(user=request.user).filter(pk=pk).first()
    if alert is None:
        raise NotFound(_("No such alert of yours."))
    return alert


def _alert_answer(request, pk: int, reason: str) -> Response:
    return Response(AlertSerializer(
        access.alert_get_recorded(user=request.user, pk=pk, reason=reason)).data)


class AlertListView(APIView):
    permission_classes = [IsResponder]

    @extend_schema(responses=AlertSerializer(many=True))
    def get(self, request):
        alerts = access.alert_list_recorded(user=request.user, reason="IVPA alert list")
        return Response(AlertSerializer(alerts, many=True).data)


class AlertDetailView(APIView):
    permission_classes = [IsResponder]

    @extend_schema(responses=AlertSerializer)
    def get(self, request, pk: int):
        return _alert_answer(request, pk, "IVPA alert opened")


def _alert_action(name: str, act, *, body=None, reason: str):
    class View(APIView):
        permission_classes = [IsResponder]

        @extend_schema(request=body, responses=AlertSerializer)
        def post(self, request, pk: int):
            def run():
                data = validated_data(body, request) if body else {}
                act(alert=_alert_of(request, pk), by=request.user, **data)
                return _alert_answer(request, pk, reason)

            return idempotent(request, scope=f"ivpa-{name}:{pk}", action=run,
                              replay=lambda: _alert_answer(request, pk, f"{reason} (replay)"))

    View.__name__ = f"Alert{name.title()}View"
    return View


AlertSeenView = _alert_action("seen", services.alert_seen, reason="IVPA alert shown")
AlertAcceptView = _alert_action("accept", services.alert_accept, body=AtSerializer,
                                reason="IVPA alert accepted")
AlertDeclineView = _alert_action("decline", services.alert_decline, reason="IVPA alert declined")
AlertArriveView = _alert_action("arrive", services.alert_arrive, body=AtSerializer,
                                reason="IVPA arrival")


class AlertReportView(APIView):
    permission_classes = [IsResponder]

    @extend_schema(request=ReportSerializer, responses=ReportSerializer)
    def post(self, request, pk: int):
        data = validated_data(ReportSerializer, request)
        report = services.alert_report_submit(alert=_alert_of(request, pk), by=request.user,
                                              **data)
        return Response(ReportSerializer(report).data)


# --- dispatchers ---------------------------------------------------------------------------


def _callouts_answer(items) -> Response:
    return Response([callout_summary(c, list(c.alerts.all())) for c in items])


def _callout_answer(request, pk: int, reason: str) -> dict:
    callout = access.callout_get_recorded(user=request.user, pk=pk, reason=reason)
    return callout_summary(callout, list(callout.alerts.all()))


class CalloutListView(APIView):
    """?case=<id> for one case's callouts, ?active=0 for ended ones too."""

    permission_classes = [IsDispatcher]

    @extend_schema(responses=None)
    def get(self, request):
        q = request.query_params
        try:
            case_id = int(q["case"]) if q.get("case") else None
        except ValueError:
            raise Invalid(_("case is a case id.")) from None
        active_only = q.get("active", "1") != "0" and case_id is None
        return _callouts_answer(access.callout_list_recorded(
            user=request.user, reason="IVPA callouts", active_only=active_only,
            case_id=case_id))


def _case(pk: int) -> Case:
    return get_object_or_404(case_list(status=None), pk=pk)


class CaseCalloutView(APIView):
    """GET: whether responders may be alerted for the case, with the estimated times of the
    ambulance and of the nearest responders; POST: alert them (the dispatcher's one click)."""

    permission_classes = [IsDispatcher]

    @extend_schema(responses=None)
    def get(self, request, pk: int):
        case = _case(pk)
        now = timezone.now()
        municipality, reason = services.callout_eligibility(case, now=now)
        ambulance = arrivals.ambulance_eta(case)
        answer = {"case": case.pk, "eligible": municipality is not None, "reason": reason,
                  "ambulance_eta_s": ambulance.seconds if ambulance else None,
                  "ambulance_eta_source": ambulance.source if ambulance else "",
                  "municipality": municipality.name if municipality else None,
                  "active": Callout.objects.filter(case=case, ended_at__isnull=True).exists()}
        if municipality is not None:
            units = selectors.units_near(
                latitude=case.latitude, longitude=case.longitude,
                radius_m=municipality.unit_radius_m, kind=ResponderKind.FIRE_RESCUE, now=now)
            volunteers = selectors.volunteers_near(
                latitude=case.latitude, longitude=case.longitude,
                radius_m=municipality.max_radius_m, limit=municipality.wave_size, now=now,
                weekly_cap=municipality.weekly_cap)
            answer["fire_rescue_eta_s"] = units[0].eta_s if units else None
            answer["fire_rescue_eta_source"] = units[0].eta_source if units else ""
            answer["volunteers_nearby"] = len(volunteers)
            answer["nearest_volunteer_eta_s"] = volunteers[0].eta_s if volunteers else None
            answer["nearest_volunteer_eta_source"] = (volunteers[0].eta_source if volunteers
                                                      else "")
        return Response(answer)

    @extend_schema(request=None, responses=None)
    def post(self, request, pk: int):
        callout = services.callout_start(case=_case(pk), by=request.user)
        return created(_callout_answer(request, callout.pk, "IVPA callout started"))


def _callout(pk: int) -> Callout:
    return get_object_or_404(selectors.callouts(active_only=False), pk=pk)


class CalloutCancelView(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(request=None, responses=None)
    def post(self, request, pk: int):
        services.callout_end(callout=_callout(pk), reason=CalloutEnd.CANCELLED,
                             by=request.user)
        return Response(_callout_answer(request, pk, "IVPA callout cancelled"))


class CalloutOutcomeView(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(request=OutcomeSerializer, responses=None)
    def post(self, request, pk: int):
        data = validated_data(OutcomeSerializer, request)
        services.callout_record_outcome(callout=_callout(pk), by=request.user, **data)
        return Response(_callout_answer(request, pk, "IVPA outcome recorded"))


class MeasuresView(APIView):
    """IVPA follow-up per municipality and month: ?year=2026&month=11"""

    permission_classes = [IsDispatcher]

    @extend_schema(responses=None)
    def get(self, request):
        now = timezone.localtime()
        try:
            year = int(request.query_params.get("year", now.year))
            month = int(request.query_params.get("month", now.month))
            if not (1 <= month <= 12 and 2000 <= year <= 2100):
                raise ValueError
        except ValueError:
            raise Invalid(_("year is a year (e.g. 2026) and month is 1 to 12.")) from None
        return Response(ivpa_measures(year=year, month=month))


from .administration import (  # noqa: E402  (the package's views, for urls.py)
    AedImportView,
    AedListView,
    MunicipalityConnectView,
    MunicipalityDetailView,
    MunicipalityDisconnectView,
    MunicipalityListView,
)
from .approvals import VolunteerApproveView, VolunteerListView, VolunteerRevokeView  # noqa: E402

__all__ = [
    "AedImportView", "AedListView", "AlertAcceptView", "AlertArriveView", "AlertDeclineView",
    "AlertDetailView", "AlertListView", "AlertReportView", "AlertSeenView", "CalloutCancelView",
    "CalloutListView", "CalloutOutcomeView", "CaseCalloutView", "MeView", "MeasuresView",
    "MunicipalityConnectView", "MunicipalityDetailView", "MunicipalityDisconnectView",
    "MunicipalityListView", "PositionView", "RegisterView", "TestAlarmView",
    "VolunteerApproveView", "VolunteerListView", "VolunteerRevokeView",
]
