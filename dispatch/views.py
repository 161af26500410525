"""The dispatch API: thin views over services and selectors."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsDispatcher, IsDispatcherOrCrew
from audit.models import AccessAction
from core.api import created, idempotent, validated_data
from core.errors import Invalid, NotFound
from crews.models import Region

from . import selectors, services
from .measures import follow_up_measures, tertial_bounds
from .serializers import (
    AckInputSerializer,
    AssignmentSerializer,
    CaseInputSerializer,
    CaseSerializer,
    CaseUpdateSerializer,
    DispatchInputSerializer,
    RedirectInputSerializer,
    StatusInputSerializer,
)


class CaseListView(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(responses=CaseSerializer(many=True))
    def get(self, request):
        status = request.query_params.get("status", "open")
        cases = list(selectors.case_list(status=None if status == "all" else status)[:200])
        selectors.cases_read(user=request.user, cases=cases, reason="dispatch console list")
        return Response(CaseSerializer(cases, many=True).data)

    @extend_schema(request=CaseInputSerializer, responses=CaseSerializer)
    def post(self, request):
        data = validated_data(CaseInputSerializer, request)
        case = services.case_register(by=request.user, **data)
        selectors.cases_read(user=request.user, cases=[case], reason="case registered",
                             action=AccessAction.CREATE)
        return created(CaseSerializer(case).data)


class CaseDetailView(APIView):
    permission_classes = [IsDispatcher]

    def _case(self, pk):
        return get_object_or_404(selectors.case_list(status=None), pk=pk)

    @extend_schema(responses=CaseSerializer)
    def get(self, request, pk: int):
        case = self._case(pk)
        selectors.cases_read(user=request.user, cases=[case], reason="case opened")
        return Response(CaseSerializer(case).data)

    @extend_schema(request=CaseUpdateSerializer, responses=CaseSerializer)
    def patch(self, request, pk: int):
        case = self._case(pk)
        data = validated_data(CaseUpdateSerializer, request)
        case = services.case_update(case=case, by=request.user, **data)
        selectors.cases_read(user=request.user, cases=[case], reason="case updated",
                             action=AccessAction.UPDATE)
        return Response(CaseSerializer(self._case(pk)).data)


class CaseDispatchView(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(request=DispatchInputSerializer, responses=AssignmentSerializer(many=True))
    def post(self, request, pk: int):
        case = get_object_or_404(selectors.case_list(status=None), pk=pk)
        data = validated_data(DispatchInputSerializer, request)
        assignments = services.assignment_dispatch(case=case, units=data["units"],
                                                   by=request.user)
        selectors.cases_read(user=request.user, cases=[case], reason="units dispatched")
        return created(AssignmentSerializer(
            selectors.assignment_queryset().filter(pk__in=[a.pk for a in assignments]),
            many=True, context={"request": request},
        ).data)


class CaseCloseView(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(request=None, responses=CaseSerializer)
    def post(self, request, pk: int):
        case = get_object_or_404(selectors.case_list(status=None), pk=pk)
        case = services.case_close(case=case, by=request.user)
        selectors.cases_read(user=request.user, cases=[case], reason="case closed")
        return Response(CaseSerializer(case).data)


class AssignmentListView(APIView):
    permission_classes = [IsDispatcherOrCrew]

    @extend_schema(responses=AssignmentSerializer(many=True))
    def get(self, request):
        assignments = list(selectors.assignments_visible_to(user=request.user)[:200])
        selectors.cases_read(
            user=request.user, cases=[a.case for a in assignments], reason="assignment list"
        )
        return Response(AssignmentSerializer(
            assignments, many=True, context={"request": request}
        ).data)


class AssignmentActionMixin:
    permission_classes = [IsDispatcherOrCrew]

    def _assignment(self, request, pk):
        assignment = (
            selectors.assignments_visible_to(user=request.user, active_only=False)
            .filter(pk=pk).first()
        )
        if assignment is None:
            raise NotFound(_("No such assignment on your unit."))
        return assignment

    def _answer(self, request, assignment, reason: str | None = None) -> Response:
        assignment = selectors.assignment_queryset().get(pk=assignment.pk)
        if reason:
            # The answer shows the patient (CrewCaseSerializer): the read is logged.
            selectors.cases_read(user=request.user, cases=[assignment.case], reason=reason)
        return Response(AssignmentSerializer(assignment, context={"request": request}).data)


class AssignmentDetailView(AssignmentActionMixin, APIView):
    @extend_schema(responses=AssignmentSerializer)
    def get(self, request, pk: int):
        assignment = self._assignment(request, pk)
        selectors.cases_read(user=request.user, cases=[assignment.case],
                             reason="assignment opened")
        return self._answer(request, assignment)


class AssignmentAcknowledgeView(AssignmentActionMixin, APIView):
    @extend_schema(request=AckInputSerializer, responses=AssignmentSerializer)
    def post(self, request, pk: int):
        def act():
            data = validated_data(AckInputSerializer, request)
            assignment = services.assignment_acknowledge(
                assignment=self._assignment(request, pk), by=request.user, at=data.get("at")
            )
            return self._answer(request, assignment, reason="assignment acknowledged")

        return idempotent(request, scope=f"assignment-ack:{pk}", action=act,
                          replay=lambda: self._answer(request, self._assignment(request, pk),
                                                      reason="assignment acknowledged (replay)"))


class AssignmentStatusView(AssignmentActionMixin, APIView):
    @extend_schema(request=StatusInputSerializer, responses=AssignmentSerializer)
    def post(self, request, pk: int):
        def act():
            data = validated_data(StatusInputSerializer, request)
            assignment = services.assignment_status_change(
                assignment=self._assignment(request, pk), status=data["status"],
                by=request.user, at=data.get("at"),
            )
            return self._answer(request, assignment, reason="assignment status changed")

        return idempotent(request, scope=f"assignment-status:{pk}", action=act,
                          replay=lambda: self._answer(request, self._assignment(request, pk),
                                                      reason="assignment status (replay)"))


class AssignmentRedirectView(AssignmentActionMixin, APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(request=RedirectInputSerializer, responses=AssignmentSerializer)
    def post(self, request, pk: int):
        data = validated_data(RedirectInputSerializer, request)
        new = services.assignment_redirect(
            assignment=self._assignment(request, pk), to_case=data["case"], by=request.user
        )
        selectors.cases_read(user=request.user, cases=[new.case], reason="unit redirected")
        return created(AssignmentSerializer(
            selectors.assignment_queryset().get(pk=new.pk), context={"request": request}
        ).data)


class MeasuresView(APIView):
    """Seed 000's follow-up measures for one region and tertial: ?region=1&year=2026&tertial=3"""

    permission_classes = [IsDispatcher]

    @extend_schema(responses=None)
    def get(self, request):
        q = request.query_params
        try:
            region = Region.objects.get(pk=int(q.get("region", "")))
        except (ValueError, Region.DoesNotExist):
            raise Invalid(_("Give a region id: ?region=1")) from None
        now = timezone.localtime()
        try:
            year = int(q.get("year", now.year))
            tertial = int(q.get("tertial", (now.month - 1) // 4 + 1))
            start, end = tertial_bounds(year, tertial)
        except ValueError:
            raise Invalid(_("year is a year and tertial is 1, 2 or 3.")) from None
        return Response({"region": region.code, "year": year, "tertial": tertial,
                         **follow_up_measures(region=region, start=start, end=end)})
