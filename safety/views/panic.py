"""The panic alarm's API (*överfallslarm*): the crew raises, reports positions and cancels;
dispatchers list, acknowledge and close. Thin over safety.services.panic. An answer that shows
an alarm's case (its address) writes the access log."""

import logging

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import IsDispatcher, IsShiftStaff, role_permission
from accounts.roles import CONSOLE_ROLES
from core.errors import Conflict, Invalid
from dispatch.access import cases_record

from ..models import PanicAlarm
from ..selectors.panic import alarm_data, alarms_visible_to
from ..services import panic as services

logger = logging.getLogger(__name__)

IsDispatcherOrShiftStaff = role_permission(*CONSOLE_ROLES, Role.CREW, Role.MOBILE_CARE)


class PanicRaiseInputSerializer(serializers.Serializer):
    idempotency_key = serializers.RegexField(r"^[A-Za-z0-9_.:-]{8,64}$", error_messages={
        "invalid": gettext_lazy("Use 8 to 64 letters, digits, '-', '_', '.' or ':'."),
        "required": gettext_lazy("An idempotency key is required: the device sends the same "
                                 "key again when it replays the alarm.")})
    # Taken as sent: an unusable time or position is dropped by the service, never a reason
    # to refuse a real alarm (the tablet throws a refused raise away).
    raised_at = serializers.JSONField(required=False, allow_null=True)
    latitude = serializers.JSONField(required=False, allow_null=True)
    longitude = serializers.JSONField(required=False, allow_null=True)
    accuracy_m = serializers.JSONField(required=False, allow_null=True)


class PanicPositionInputSerializer(serializers.Serializer):
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    accuracy_m = serializers.FloatField(required=False, allow_null=True)
    at = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class PanicCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PanicCloseInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


def _data(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data if isinstance(request.data, dict) else {})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _moment(value, field: str):
    if value in (None, ""):
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:  # well formed but no such time, e.g. 2026-02-30T10:00:00Z
        moment = None
    if moment is None:
        raise Invalid(_("%(field)s must be a time in ISO 8601, e.g. 2026-03-01T14:05:00Z.")
                      % {"field": field})
    return moment


def _raised_at(value):
    """The device's time of the press, or none (the service takes now): unreadable is logged,
    not refused."""
    try:
        if value is not None and not isinstance(value, str):
            raise Invalid("not a string")
        return _moment(value, "raised_at")
    except Invalid:
        logger.warning("Panic alarm raised with an unreadable raised_at %r: taken as now", value)
        return None


def _shown(request, alarms: list[PanicAlarm], reason: str) -> list[dict]:
    """The alarms as answered, their cases' reads recorded."""
    cases = list({a.case_id: a.case for a in alarms if a.case is not None}.values())
    if cases:
        cases_record(user=request.user, cases=cases, reason=reason)
    return [alarm_data(a) for a in alarms]


def _answer(request, alarm: PanicAlarm, reason: str, *, status_code: int = 200) -> Response:
    return Response(_shown(request, [alarm], reason)[0], status=status_code)


def _refusal_recorded(request, exc: Conflict, reason: str) -> None:
    """A 409 carries the alarm as it is: its case's read is recorded too."""
    case_id = (exc.extra.get("alarm") or {}).get("case")
    if case_id:
        from dispatch.models import Case

        cases_record(user=request.user, cases=Case.objects.filter(pk=case_id), reason=reason)


class PanicListView(APIView):
    permission_classes = [IsDispatcherOrShiftStaff]

    @extend_schema(responses=None)
    def get(self, request):
        recent = request.query_params.get("all") in ("1", "true")
        alarms = list(alarms_visible_to(user=request.user, recent=recent)[:200])
        return Response(_shown(request, alarms, "panic alarms listed"))

    @extend_schema(request=PanicRaiseInputSerializer, responses=None)
    def post(self, request):
        data = _data(PanicRaiseInputSerializer, request)
        alarm, created = services.panic_raise(
            user=request.user, idempotency_key=data["idempotency_key"],
            raised_at=_raised_at(data.get("raised_at")),
            latitude=data.get("latitude"), longitude=data.get("longitude"),
            accuracy_m=data.get("accuracy_m"))
        return _answer(request, alarm, "panic alarm raised",
                       status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class PanicPositionView(APIView):
    permission_classes = [IsShiftStaff]

    @extend_schema(request=PanicPositionInputSerializer, responses={204: None})
    def post(self, request, pk: int):
        data = _data(PanicPositionInputSerializer, request)
        services.panic_position_report(
            user=request.user, alarm_id=pk, latitude=data["latitude"],
            longitude=data["longitude"], accuracy_m=data.get("accuracy_m"),
            at=_moment(data.get("at"), "at"))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PanicAcknowledgeView(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(request=None, responses=None)
    def post(self, request, pk: int):
        try:
            alarm = services.panic_acknowledge(alarm_id=pk, by=request.user)
        except Conflict as exc:
            _refusal_recorded(request, exc, "panic alarm acknowledged by another")
            raise
        return _answer(request, alarm, "panic alarm acknowledged")


class PanicCancelView(APIView):
    permission_classes = [IsShiftStaff]

    @extend_schema(request=PanicCancelInputSerializer, responses=None)
    def post(self, request, pk: int):
        data = _data(PanicCancelInputSerializer, request)
        try:
            alarm = services.panic_cancel(user=request.user, alarm_id=pk,
                                          reason=data.get("reason", ""))
        except Conflict as exc:
            _refusal_recorded(request, exc, "panic alarm no longer open")
            raise
        return _answer(request, alarm, "panic alarm cancelled")


class PanicCloseView(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(request=PanicCloseInputSerializer, responses=None)
    def post(self, request, pk: int):
        data = _data(PanicCloseInputSerializer, request)
        try:
            alarm = services.panic_close(alarm_id=pk, by=request.user,
                                         note=data.get("note", ""))
        except Conflict as exc:
            _refusal_recorded(request, exc, "panic alarm already closed")
            raise
        return _answer(request, alarm, "panic alarm closed")
