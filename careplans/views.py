"""The care plan API: thin views over services, answering only from recorded reads
(careplans/access.py)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsDispatcher, IsDispatcherOrCrew
from audit.models import AccessAction
from core.api import created, validated_data
from core.errors import Conflict, Invalid, NotFound
from core.identity_numbers import pin_is_valid
from core.phones import PhoneNumberInvalid, phone_normalise

from . import access, services
from .selectors import care_plan_queryset
from .serializers import (
    CarePlanInputSerializer,
    CarePlanSerializer,
    CarePlanUpdateSerializer,
    CrewPartSerializer,
    EarlierCaseSerializer,
)

YES = {"1", "true", "yes"}
NO = {"0", "false", "no"}


def _flag(value: str | None, *, name: str, default: bool) -> bool:
    if value is None or value == "":
        return default
    if value.lower() in YES | NO:
        return value.lower() in YES
    raise Invalid(_("%(name)s is 1 or 0.") % {"name": name})


class CarePlanListView(APIView):
    """?personal_identity_number= or ?phone= (the person's plans; in force only unless
    ?active=0), or ?review_due=30 (plans to review within that many days, or overdue)."""

    permission_classes = [IsDispatcher]

    @extend_schema(responses=CarePlanSerializer(many=True))
    def get(self, request):
        q = request.query_params
        pin = q.get("personal_identity_number", "").strip()
        phone = q.get("phone", "").strip()
        due = q.get("review_due", "").strip()
        if pin and not pin_is_valid(pin):
            raise Invalid(_("Give the personal identity number as YYYYMMDD-NNNN."))
        if phone:
            try:
                phone_normalise(phone)
            except PhoneNumberInvalid:
                raise Invalid(_("%(number)s is not a phone number: give it as e.g. "
                                "070-123 45 67 or +46701234567.") % {"number": phone}) from None
        days = None
        if due:
            if not due.isdigit() or int(due) > 365:
                raise Invalid(_("review_due is a number of days, 0 to 365, e.g. "
                                "?review_due=30."))
            days = int(due)
        if not (pin or phone or due):
            raise Invalid(_("Say whose plans: ?personal_identity_number=, ?phone=, or "
                            "?review_due=30 for the plans to review."))
        # An expired plan is neither shown with a person nor reviewed, unless asked for.
        active = _flag(q.get("active"), name="active", default=True)
        plans = access.care_plan_find_recorded(
            user=request.user, reason="care plans looked up" if not due else
            "care plans to review", personal_identity_number=pin, phone=phone, active=active,
            review_due_days=days)
        return Response(CarePlanSerializer(plans, many=True).data)

    @extend_schema(request=CarePlanInputSerializer, responses=CarePlanSerializer)
    def post(self, request):
        data = validated_data(CarePlanInputSerializer, request)
        plan = services.care_plan_create(by=request.user, **data)
        return created(CarePlanSerializer(access.care_plan_get_recorded(
            user=request.user, pk=plan.pk, reason="care plan written",
            action=AccessAction.CREATE)).data)


class CarePlanDetailView(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(responses=CarePlanSerializer)
    def get(self, request, pk: int):
        return Response(CarePlanSerializer(access.care_plan_get_recorded(
            user=request.user, pk=pk, reason="care plan opened")).data)

    @extend_schema(request=CarePlanUpdateSerializer, responses=CarePlanSerializer)
    def patch(self, request, pk: int):
        plan = care_plan_queryset().filter(pk=pk).first()
        if plan is None:
            raise NotFound(_("No such care plan."))
        data = dict(validated_data(CarePlanUpdateSerializer, request))
        try:
            services.care_plan_update(plan=plan, by=request.user, **data)
        except services.CarePlanChanged as refused:
            # 409 with the plan as it is now (a read, logged), so that nothing typed is lost.
            now = access.care_plan_get_recorded(user=request.user, pk=pk,
                                                reason="care plan changed meanwhile")
            raise Conflict(refused.message, current=CarePlanSerializer(now).data) from None
        return Response(CarePlanSerializer(access.care_plan_get_recorded(
            user=request.user, pk=pk, reason="care plan changed",
            action=AccessAction.UPDATE)).data)


class CasePersonView(APIView):
    """The person behind a case: earlier cases of the last 12 months and the plan in force."""

    permission_classes = [IsDispatcher]

    @extend_schema(responses=None)
    def get(self, request, pk: int):
        person = access.person_of_case_recorded(user=request.user, pk=pk,
                                                reason="the person's earlier cases")
        plan = person["care_plan"]
        return Response({
            "case": person["case"].pk,
            "matched_by": person["matched_by"],
            "earlier_cases": EarlierCaseSerializer(person["earlier"], many=True).data,
            "care_plan": CarePlanSerializer(plan).data if plan is not None else None,
        })


class AssignmentCarePlanView(APIView):
    """The crew's part of the plan for the assignment's patient (null when there is none)."""

    permission_classes = [IsDispatcherOrCrew]

    @extend_schema(responses=None)
    def get(self, request, pk: int):
        plan = access.crew_part_of_assignment_recorded(user=request.user, pk=pk,
                                                       reason="care plan, crew part")
        return Response({"assignment": pk,
                         "care_plan": CrewPartSerializer(plan).data if plan else None})
