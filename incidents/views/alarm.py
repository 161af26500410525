"""The centre records a region's acknowledgement of the alarm (*kvittens*) heard by telephone:
a dispatcher or TiB, with the name of who acknowledged. Thin over incidents.services.alarm;
no patient data in the answer."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import role_permission
from accounts.roles import INCIDENT_ROLES
from core.errors import NotFound
from core.times import iso

from ..models import RegionAlarm
from ..services.alarm import region_alarm_acknowledge

FollowsIncidents = role_permission(*INCIDENT_ROLES)


class RegionAcknowledgeInputSerializer(serializers.Serializer):
    by = serializers.CharField(max_length=120)
    blood_centre = serializers.BooleanField(required=False, default=False)


class RegionAlarmSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="alarm_region_id")
    acknowledged_at = serializers.SerializerMethodField()
    acknowledged_by = serializers.CharField()
    acknowledged_via = serializers.CharField()
    acknowledged_via_text = serializers.CharField(source="get_acknowledged_via_display")
    blood_centre_acknowledged_at = serializers.SerializerMethodField()
    blood_centre_acknowledged_by = serializers.CharField()

    def get_acknowledged_at(self, obj) -> str | None:
        return iso(obj.acknowledged_at)

    def get_blood_centre_acknowledged_at(self, obj) -> str | None:
        return iso(obj.blood_centre_acknowledged_at)


class RegionAcknowledgeView(APIView):
    """POST {by, blood_centre}: the region (or its blood centre) acknowledged by telephone.
    A second acknowledgement keeps the first's time and name."""

    permission_classes = [FollowsIncidents]

    @extend_schema(request=RegionAcknowledgeInputSerializer, responses=RegionAlarmSerializer,
                   operation_id="incident_region_acknowledge")
    def post(self, request, pk: int, region_pk: int):
        data = RegionAcknowledgeInputSerializer(
            data=request.data if isinstance(request.data, dict) else {})
        data.is_valid(raise_exception=True)
        region_alarm = (RegionAlarm.objects.select_related("incident", "alarm_region")
                        .filter(incident_id=pk, alarm_region_id=region_pk).first())
        if region_alarm is None:
            raise NotFound(_("That region has not been alarmed for this incident."))
        region_alarm = region_alarm_acknowledge(
            region_alarm=region_alarm, by_name=data.validated_data["by"],
            via=RegionAlarm.Via.PHONE, by=request.user,
            blood_centre=data.validated_data["blood_centre"])
        return Response(RegionAlarmSerializer(region_alarm).data)
