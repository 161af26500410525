"""Targets, follow-up records of deviations and their owners: read by everyone who reads the
follow-up (dispatchers, the manager, administrators), changed by the manager (and an
administrator). Thin views over followup.services; figures only, no patient data."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import role_permission
from accounts.roles import FOLLOWUP_ROLES, MANAGER_ROLES
from core.api import created, validated_data
from core.errors import Conflict, Invalid, NotFound
from crews.models import Region

from .. import selectors, services
from ..models import DeviationFollowUp, MeasureTarget
from ..serializers import (
    DeviationOpenSerializer,
    DeviationSerializer,
    DeviationUpdateSerializer,
    OwnerSerializer,
    TargetInputSerializer,
    TargetSerializer,
)

ReadsFollowup = role_permission(*FOLLOWUP_ROLES)
RunsFollowup = role_permission(*MANAGER_ROLES)


class FollowupView(APIView):
    """Reads for FOLLOWUP_ROLES, changes for MANAGER_ROLES."""

    def get_permissions(self):
        read = self.request.method in ("GET", "HEAD", "OPTIONS")
        return [ReadsFollowup() if read else RunsFollowup()]


def _region(pk, *, required: bool) -> Region | None:
    if pk is None and not required:
        return None
    region = Region.objects.filter(pk=pk).first() if pk is not None else None
    if region is None:
        raise Invalid(_("Choose one of the centre's regions."))
    return region


def _target_data(target: MeasureTarget) -> dict:
    return TargetSerializer(target, context={"today": timezone.localdate()}).data


class TargetListView(FollowupView):
    """Every target, per measure in the order they take effect."""

    @extend_schema(responses=TargetSerializer(many=True))
    def get(self, request):
        return Response(TargetSerializer(selectors.targets_list(), many=True,
                                         context={"today": timezone.localdate()}).data)

    @extend_schema(request=TargetInputSerializer, responses=TargetSerializer)
    def post(self, request):
        data = dict(validated_data(TargetInputSerializer, request))
        data["region"] = _region(data.get("region"), required=False)
        target = services.target_set(by=request.user, **data)
        return created(_target_data(target))


class TargetDetailView(FollowupView):
    @extend_schema(responses=None)
    def delete(self, request, pk: int):
        target = MeasureTarget.objects.filter(pk=pk).first()
        if target is None:
            raise NotFound(_("No such target."))
        services.target_delete(target=target, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeviationListView(FollowupView):
    """?year=&tertial= (both, or neither for every record): the follow-up records."""

    @extend_schema(responses=DeviationSerializer(many=True))
    def get(self, request):
        year, tertial = request.query_params.get("year"), request.query_params.get("tertial")
        if year or tertial:
            year, tertial = services.records.tertial_checked(year, tertial)
            records = selectors.deviation_records(year=year, tertial=tertial)
        else:
            records = selectors.deviation_records()
        return Response(DeviationSerializer(records, many=True).data)

    @extend_schema(request=DeviationOpenSerializer, responses=DeviationSerializer)
    def post(self, request):
        data = dict(validated_data(DeviationOpenSerializer, request))
        data["region"] = _region(data["region"], required=True)
        record, made = services.deviation_followup_open(by=request.user, **data)
        body = DeviationSerializer(selectors.deviation_records().get(pk=record.pk)).data
        return created(body) if made else Response(body)


class DeviationDetailView(FollowupView):
    @extend_schema(responses=DeviationSerializer)
    def get(self, request, pk: int):
        return Response(DeviationSerializer(self._record(pk)).data)

    @extend_schema(request=DeviationUpdateSerializer, responses=DeviationSerializer)
    def patch(self, request, pk: int):
        record = self._record(pk)
        data = dict(validated_data(DeviationUpdateSerializer, request))
        try:
            services.deviation_followup_update(record=record, by=request.user, **data)
        except services.records.FollowUpChanged as refused:
            # With the record as it is now, so that nothing typed is lost.
            raise Conflict(refused.message, current=DeviationSerializer(
                self._record(pk)).data) from None
        return Response(DeviationSerializer(self._record(pk)).data)

    @staticmethod
    def _record(pk: int) -> DeviationFollowUp:
        record = selectors.deviation_records().filter(pk=pk).first()
        if record is None:
            raise NotFound(_("No such follow-up record."))
        return record


class OwnerListView(FollowupView):
    """Who may own a follow-up record: the centre's managers, dispatchers and
    administrators (people, not service accounts)."""

    @extend_schema(responses=OwnerSerializer(many=True))
    def get(self, request):
        return Response(OwnerSerializer(selectors.followup_owners(), many=True).data)
