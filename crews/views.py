from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import IsDispatcher, IsDispatcherOrCrew, IsShiftStaff
from core.api import idempotent, validated_data
from core.errors import Forbidden

from . import selectors, services
from .models import Region, Station
from .serializers import (
    PositionInputSerializer,
    RegionSerializer,
    StationSerializer,
    UnitSerializer,
    UnitServiceInputSerializer,
)


class RegionListView(APIView):
    @extend_schema(responses=RegionSerializer(many=True))
    def get(self, request):
        return Response(RegionSerializer(Region.objects.all(), many=True).data)


class StationListView(APIView):
    @extend_schema(responses=StationSerializer(many=True))
    def get(self, request):
        return Response(StationSerializer(Station.objects.all(), many=True).data)


class UnitListView(APIView):
    permission_classes = [IsDispatcherOrCrew]

    @extend_schema(responses=UnitSerializer(many=True))
    def get(self, request):
        return Response(UnitSerializer(selectors.unit_list(), many=True).data)


class UnitDetailView(APIView):
    permission_classes = [IsDispatcherOrCrew]

    @extend_schema(responses=UnitSerializer)
    def get(self, request, pk: int):
        return Response(UnitSerializer(get_object_or_404(selectors.unit_list(), pk=pk)).data)


class UnitJoinView(APIView):
    """Join a unit for the shift: a crew member their ambulance, mobile care staff their
    mobile care unit (the one join for every shift)."""

    permission_classes = [IsShiftStaff]

    @extend_schema(request=None, responses=UnitSerializer)
    def post(self, request, pk: int):
        unit = get_object_or_404(selectors.unit_list(), pk=pk)
        services.crew_join(user=request.user, unit=unit)
        return Response(UnitSerializer(unit).data)


class UnitLeaveView(APIView):
    permission_classes = [IsShiftStaff]

    @extend_schema(request=None, responses=None)
    def post(self, request):
        services.crew_leave(user=request.user)
        return Response({"detail": _("You have left the unit.")})


class UnitPositionView(APIView):
    permission_classes = [IsDispatcherOrCrew]

    @extend_schema(request=PositionInputSerializer, responses=UnitSerializer)
    def post(self, request, pk: int):
        unit = get_object_or_404(selectors.unit_list(), pk=pk)
        if request.user.role == Role.CREW:
            own = selectors.unit_of_user(user=request.user)
            if own is None or own.pk != unit.pk:
                raise Forbidden(_("You report positions only for the unit you have joined."))

        def act():
            data = validated_data(PositionInputSerializer, request)
            updated = services.unit_position_report(
                unit=unit, latitude=data["latitude"], longitude=data["longitude"],
                at=data.get("at"),
            )
            return Response(UnitSerializer(updated).data)

        return idempotent(request, scope=f"unit-position:{pk}", action=act,
                          replay=lambda: Response(UnitSerializer(
                              selectors.unit_list().get(pk=pk)).data))


class UnitServiceView(APIView):
    """Put a unit in service or take it out (the dispatcher or an administrator)."""

    permission_classes = [IsDispatcher]

    @extend_schema(request=UnitServiceInputSerializer, responses=UnitSerializer)
    def post(self, request, pk: int):
        unit = get_object_or_404(selectors.unit_list(), pk=pk)
        data = validated_data(UnitServiceInputSerializer, request)
        services.unit_service_set(unit=unit, in_service=data["in_service"],
                                  note=data.get("note", ""), by=request.user)
        return Response(UnitSerializer(selectors.unit_list().get(pk=pk)).data)
