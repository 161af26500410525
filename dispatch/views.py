"""The dispatch API: thin views over services and selectors. Every answer that shows a case
(the dispatcher's case, the crew card) comes from a recorded read in dispatch/access.py."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsDispatcher, IsDispatcherOrCrew
from accounts.roles import is_dispatcher
from audit.models import AccessAction
from core.api import created, idempotency_key_of, idempotent, validated_data
from core.errors import Invalid, NotFound
from crews.models import Region

from . import access, selectors, services
from .measures import follow_up_measures, tertial_bounds
from .models import Case
from .recommendations import case_recommendations, case_to_rank
from .serializers import (
    AckInputSerializer,
    AssignmentDetailSerializer,
    AssignmentMessageSerializer,
    AssignmentSerializer,
    CaseHistorySerializer,
    CaseInputSerializer,
    CaseSerializer,
    CaseUpdateSerializer,
    DestinationInputSerializer,
    DispatchInputSerializer,
    MessageInputSerializer,
    RecommendationSerializer,
    RedirectInputSerializer,
    StagingInputSerializer,
    StatusInputSerializer,
)
from .services import messages as message_services
from .services import staging as staging_services


def _case(pk: int) -> Case:
    """The case an action works on (the answer reads it again, recorded)."""
    case = selectors.case_list(status=None).filter(pk=pk).first()
    if case is None:
        raise NotFound(_("No such case."))
    return case


class CaseListView(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(responses=CaseSerializer(many=True))
    def get(self, request):
        status = request.query_params.get("status", "open")
        cases = access.case_list_recorded(user=request.user, reason="dispatch console list",
                                          status=None if status == "all" else status)
        return Response(CaseSerializer(cases, many=True).data)

    @extend_schema(request=CaseInputSerializer, responses=CaseSerializer)
    def post(self, request):
        data = validated_data(CaseInputSerializer, request)
        case = services.case_register(by=request.user, **data)
        return created(CaseSerializer(access.case_get_recorded(
            user=request.user, pk=case.pk, reason="case registered",
            action=AccessAction.CREATE)).data)


class CaseDetailView(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(responses=CaseSerializer)
    def get(self, request, pk: int):
        return Response(CaseSerializer(access.case_get_recorded(
            user=request.user, pk=pk, reason="case opened")).data)

    @extend_schema(request=CaseUpdateSerializer, responses=CaseSerializer)
    def patch(self, request, pk: int):
        """Edit the case (dispatch/services/case_edit.py); an edit made on an older `version`
        is a 409 with the case as it is now (`current`, a recorded read) and its version."""
        case = _case(pk)
        data = validated_data(CaseUpdateSerializer, request)
        try:
            services.case_update(case=case, by=request.user, **data)
        except services.CaseEditConflict as conflict:
            current = access.case_get_recorded(user=request.user, pk=pk,
                                               reason="case edit refused: changed meanwhile")
            return Response({"detail": conflict.message, "version": current.version,
                             "current": CaseSerializer(current).data}, status=409)
        return Response(CaseSerializer(access.case_get_recorded(
            user=request.user, pk=pk, reason="case updated", action=AccessAction.UPDATE)).data)


class CaseHistoryView(APIView):
    """What happened to the case, oldest first (dispatch/history.py): its registration, each
    change (who, when, from, to, why), its units' alerts and statuses, dispatch overrides,
    destinations and messages."""

    permission_classes = [IsDispatcher]

    @extend_schema(responses=CaseHistorySerializer)
    def get(self, request, pk: int):
        case, entries = access.case_history_recorded(user=request.user, pk=pk,
                                                     reason="case history")
        return Response({"case": case.pk, "reference": case.reference,
                         "version": case.version, "entries": entries})


class CaseDispatchView(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(request=DispatchInputSerializer, responses=AssignmentSerializer(many=True))
    def post(self, request, pk: int):
        data = validated_data(DispatchInputSerializer, request)
        # The service locks and reads the case (404 when there is none); the answer is built
        # from the assignments it made, the read recorded after the commit.
        assignments = services.assignment_dispatch(
            case=Case(pk=pk), units=data["units"], by=request.user,
            override_reason=data.get("override_reason", ""))
        return created(AssignmentSerializer(
            access.assignments_dispatched_recorded(
                user=request.user, assignments=assignments, reason="units dispatched"),
            many=True, context={"request": request},
        ).data)


class CaseRecommendationsView(APIView):
    """The units that could go to the case, ranked by arrival, with why not (no patient data:
    units and their times to the case's position)."""

    permission_classes = [IsDispatcher]

    @extend_schema(responses=RecommendationSerializer(many=True))
    def get(self, request, pk: int):
        case = case_to_rank(pk=pk)
        if case is None:
            raise NotFound(_("No such case."))
        return Response([row.as_dict() for row in case_recommendations(case=case)])


class CaseCloseView(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(request=None, responses=CaseSerializer)
    def post(self, request, pk: int):
        services.case_close(case=_case(pk), by=request.user)
        return Response(CaseSerializer(access.case_get_recorded(
            user=request.user, pk=pk, reason="case closed")).data)


class AssignmentListView(APIView):
    permission_classes = [IsDispatcherOrCrew]

    @extend_schema(responses=AssignmentSerializer(many=True))
    def get(self, request):
        assignments = access.assignment_list_recorded(user=request.user,
                                                      reason="assignment list")
        return Response(AssignmentSerializer(
            assignments, many=True, context={"request": request}
        ).data)


class AssignmentActionMixin:
    permission_classes = [IsDispatcherOrCrew]

    def _assignment(self, request, pk, *, crew_active_only: bool = False):
        """The assignment an action works on (the answer reads it again, recorded). With
        `crew_active_only` a crew member finds only an active one: a unit's later crews do not
        read what was said on its ended assignments (the dispatchers still do)."""
        assignment = (
            selectors.assignments_visible_to(
                user=request.user,
                active_only=crew_active_only and not is_dispatcher(request.user))
            .filter(pk=pk).first()
        )
        if assignment is None:
            raise NotFound(_("No such assignment on your unit."))
        return assignment

    def _answer(self, request, pk: int, reason: str, *, status: int = 200) -> Response:
        """The assignment as it is now, with its crew card: a recorded read."""
        assignment = access.assignment_get_recorded(user=request.user, pk=pk, reason=reason)
        return Response(AssignmentDetailSerializer(assignment,
                                                   context={"request": request}).data,
                        status=status)


class AssignmentDetailView(AssignmentActionMixin, APIView):
    @extend_schema(responses=AssignmentSerializer)
    def get(self, request, pk: int):
        return self._answer(request, pk, "assignment opened")


class AssignmentAcknowledgeView(AssignmentActionMixin, APIView):
    @extend_schema(request=AckInputSerializer, responses=AssignmentSerializer)
    def post(self, request, pk: int):
        def act():
            data = validated_data(AckInputSerializer, request)
            services.assignment_acknowledge(
                assignment=self._assignment(request, pk), by=request.user, at=data.get("at")
            )
            return self._answer(request, pk, "assignment acknowledged")

        return idempotent(request, scope=f"assignment-ack:{pk}", action=act,
                          replay=lambda: self._answer(request, pk,
                                                      "assignment acknowledged (replay)"))


class AssignmentStatusView(AssignmentActionMixin, APIView):
    @extend_schema(request=StatusInputSerializer, responses=AssignmentSerializer)
    def post(self, request, pk: int):
        def act():
            data = validated_data(StatusInputSerializer, request)
            services.assignment_status_change(
                assignment=self._assignment(request, pk), status=data["status"],
                by=request.user, at=data.get("at"),
            )
            return self._answer(request, pk, "assignment status changed")

        return idempotent(request, scope=f"assignment-status:{pk}", action=act,
                          replay=lambda: self._answer(request, pk, "assignment status (replay)"))


class AssignmentDestinationView(AssignmentActionMixin, APIView):
    """The hospital the unit takes the patient to (the crew's or the dispatcher's choice)."""

    @extend_schema(request=DestinationInputSerializer, responses=AssignmentSerializer)
    def post(self, request, pk: int):
        def act():
            assignment = self._assignment(request, pk)
            data = validated_data(DestinationInputSerializer, request)
            services.assignment_destination_set(assignment=assignment,
                                                hospital=data["hospital"], by=request.user,
                                                chosen_at=data.get("chosen_at"))
            return self._answer(request, pk, "assignment destination set")

        return idempotent(request, scope=f"assignment-destination:{pk}", action=act,
                          replay=lambda: self._answer(request, pk,
                                                      "assignment destination (replay)"))


class AssignmentRedirectView(AssignmentActionMixin, APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(request=RedirectInputSerializer, responses=AssignmentSerializer)
    def post(self, request, pk: int):
        data = validated_data(RedirectInputSerializer, request)
        new = services.assignment_redirect(
            assignment=self._assignment(request, pk), to_case=data["case"], by=request.user
        )
        return self._answer(request, new.pk, "unit redirected", status=201)


class AssignmentStagingView(AssignmentActionMixin, APIView):
    """Order (or move) the staging point (*brytpunkt*) where the crew waits for the police."""

    permission_classes = [IsDispatcher]

    @extend_schema(request=StagingInputSerializer, responses=AssignmentSerializer)
    def post(self, request, pk: int):
        data = validated_data(StagingInputSerializer, request)
        staging_services.assignment_staging_order(
            assignment=self._assignment(request, pk), latitude=data.get("latitude"),
            longitude=data.get("longitude"), reason=data.get("reason", ""), by=request.user)
        return self._answer(request, pk, "staging point ordered")


class AssignmentStagingReleaseView(AssignmentActionMixin, APIView):
    """Let the crew in from the staging point (*släpp in*)."""

    permission_classes = [IsDispatcher]

    @extend_schema(request=None, responses=AssignmentSerializer)
    def post(self, request, pk: int):
        staging_services.assignment_staging_release(
            assignment=self._assignment(request, pk), by=request.user)
        return self._answer(request, pk, "staging point released")


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


class AssignmentMessagesView(AssignmentActionMixin, APIView):
    """The messages between the crew and the dispatch centre on an assignment: read them, or
    send one (the crew's tablet through its outbox, with an idempotency key)."""

    @extend_schema(responses=AssignmentMessageSerializer(many=True))
    def get(self, request, pk: int):
        messages = access.assignment_messages_recorded(
            user=request.user, assignment=self._assignment(request, pk, crew_active_only=True),
            reason="assignment messages")
        return Response(AssignmentMessageSerializer(messages, many=True).data)

    @extend_schema(request=MessageInputSerializer, responses=AssignmentMessageSerializer)
    def post(self, request, pk: int):
        def answer(message, reason: str, status: int) -> Response:
            return Response(AssignmentMessageSerializer(access.assignment_message_recorded(
                user=request.user, message=message, reason=reason)).data, status=status)

        def act():
            assignment = self._assignment(request, pk)
            data = validated_data(MessageInputSerializer, request)
            message = message_services.assignment_message_send(
                assignment=assignment, by=request.user, text=data["text"],
                idempotency_key=data.get("idempotency_key"))
            return answer(message, "assignment message sent", 201)

        def replay():
            message = selectors.assignment_message_by_key(
                user=request.user, key=idempotency_key_of(request))
            if message is None:
                raise NotFound(_("No such message."))
            return answer(message, "assignment message sent (replay)", 201)

        return idempotent(request, scope=f"assignment-message:{pk}", action=act, replay=replay)


class AssignmentMessageAcknowledgeView(AssignmentActionMixin, APIView):
    """The other side has read the message (*kvittera*); again: the first one stands."""

    @extend_schema(request=None, responses=AssignmentMessageSerializer)
    def post(self, request, pk: int, mid: int):
        message = selectors.assignment_messages(
            assignment=self._assignment(request, pk, crew_active_only=True)
        ).filter(pk=mid).first()
        if message is None:
            raise NotFound(_("No such message on this assignment."))
        message = message_services.assignment_message_acknowledge(message=message,
                                                                  by=request.user)
        return Response(AssignmentMessageSerializer(access.assignment_message_recorded(
            user=request.user, message=message, reason="assignment message acknowledged")).data)
