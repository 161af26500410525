"""The pledges' API (*utlovade resurser*): a dispatcher or TiB lists each region's pledges
against the rule, records what a region pledged (by telephone, or in the app) and withdraws a
pledge. Thin over incidents.services.pledges; no patient data (regions, counts, units)."""

from datetime import UTC

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import role_permission
from accounts.roles import INCIDENT_ROLES
from core.errors import Invalid

from ..models import MajorIncident, Pledge
from ..selectors.pledges import pledge_data, pledges_loaded, regions_pledged
from ..services import pledges as services

FollowsIncidents = role_permission(*INCIDENT_ROLES)
# What this route records: a pledge heard by telephone, or entered in the app. A region's
# system and the link in the text message have their own ways in.
VIA_HERE = (Pledge.Via.PHONE, Pledge.Via.APP)


class PledgeInputSerializer(serializers.Serializer):
    # Taken as sent: the service says in words what is wrong with a region, kind or count.
    alarm_region = serializers.JSONField()
    kind = serializers.JSONField()
    count = serializers.JSONField(required=False, allow_null=True)
    units = serializers.ListField(child=serializers.JSONField(), required=False)
    available_at = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    report_to = serializers.CharField(required=False, allow_blank=True, max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    via = serializers.ChoiceField(choices=VIA_HERE, required=False, default=Pledge.Via.PHONE)
    by_name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    idempotency_key = serializers.CharField(required=False, allow_null=True, max_length=64)


def _moment(value):
    if value in (None, ""):
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise Invalid(_("available_at must be a time in ISO 8601, e.g. 2026-03-01T14:05:00Z."))
    try:
        moment.astimezone(UTC)
    except OverflowError:
        # Year 1 ahead of UTC (or 9999 behind it) has no time in UTC to store.
        raise Invalid(_("available_at is not a time the pledge can be ready: give today's "
                        "or a coming date, e.g. 2026-03-01T14:05:00Z.")) from None
    return moment


class PledgeListView(APIView):
    permission_classes = [FollowsIncidents]

    @extend_schema(responses=None)
    def get(self, request, pk: int):
        incident = get_object_or_404(MajorIncident, pk=pk)
        return Response({"pledge_minimum": settings.INCIDENT_PLEDGE_MINIMUM,
                         "regions": regions_pledged(incident=incident)})

    @extend_schema(request=PledgeInputSerializer, responses=None)
    def post(self, request, pk: int):
        incident = get_object_or_404(MajorIncident, pk=pk)
        serializer = PledgeInputSerializer(
            data=request.data if isinstance(request.data, dict) else {})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        pledge, created = services.pledge_record(
            incident=incident, alarm_region=data["alarm_region"], kind=data["kind"],
            count=data.get("count"), units=data.get("units") or (),
            available_at=_moment(data.get("available_at")),
            report_to=data.get("report_to", ""), note=data.get("note", ""), via=data["via"],
            by=request.user, by_name=data.get("by_name", ""),
            idempotency_key=data.get("idempotency_key") or None)
        pledge = pledges_loaded(Pledge.objects.filter(pk=pledge.pk)).get()
        return Response(pledge_data(pledge),
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class PledgeWithdrawView(APIView):
    permission_classes = [FollowsIncidents]

    @extend_schema(request=None, responses=None)
    def post(self, request, pk: int, pledge_pk: int):
        pledge = get_object_or_404(Pledge, pk=pledge_pk, incident_id=pk)
        pledge = services.pledge_withdraw(pledge=pledge, by=request.user)
        return Response(pledge_data(pledges_loaded(Pledge.objects.filter(pk=pledge.pk)).get()))
