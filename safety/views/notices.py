"""The risk notice API: thin views over safety.services.notices and .matches, answering from
recorded reads (safety.access). A partner's requests go to safety.views.partners."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import IsDispatcher
from accounts.roles import has_role, is_partner, reviews_notices
from core.api import created, validated_data
from core.errors import Forbidden, Invalid
from core.identity_numbers import pin_is_valid
from crews.services import validate_position
from dispatch.access import cases_record

from ..access import (
    case_matches_recorded,
    matching_preview_recorded,
    notice_get_recorded,
    notice_list_recorded,
    notices_record,
)
from ..models import NoticeState
from ..selectors.notices import notice_get
from ..serializers.notices import (
    AcknowledgeSerializer,
    CaseCrewNoticesSerializer,
    CaseNoticeMatchesSerializer,
    DecisionSerializer,
    NoticeAcknowledgedSerializer,
    NoticeInputSerializer,
    NoticeMatchingAnswerSerializer,
    NoticeMatchSerializer,
    NoticeSerializer,
    NoticeUpdateSerializer,
    NoticeWithdrawSerializer,
    ReviewSerializer,
    crew_notice_data,
    match_data,
    notice_data,
    preview_data,
)
from ..serializers.partners import (
    PartnerNoticeInputSerializer,
    PartnerNoticesAnswerSerializer,
    PartnerNoticeSerializer,
)
from ..services import matches as match_services
from ..services import notices as services

YES = {"1", "true", "yes"}


def _partners():
    """The partners' side of the notices (safety.views.partners), when it is installed."""
    try:
        from . import partners
    except ImportError:
        return None
    return partners


class ReviewsNotices(BasePermission):
    message = "Your role may not do this."

    def has_permission(self, request, view) -> bool:
        return reviews_notices(request.user)


class NoticeReaders(BasePermission):
    """Reviewers; a partner (its own shareable notices); a crew member (a case's applied
    notices, ?case=). Not a volunteer, mobile care staff or a coordinator."""

    message = "Your role may not do this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if reviews_notices(user) or is_partner(user):
            return True
        return request.method == "GET" and has_role(user, Role.CREW)


class IsCrew(BasePermission):
    message = "Your role may not do this."

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, Role.CREW)


def _float(value: str, name: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except ValueError:
        raise Invalid(_("%(name)s is a number in decimal degrees.") % {"name": name}) from None


class NoticeListView(APIView):
    """The notices (?state=&region=&q=&expired=1), or one case's (?case=); a new notice."""

    permission_classes = [NoticeReaders]

    @extend_schema(operation_id="safety_notices_list", parameters=[
        OpenApiParameter("state", OpenApiTypes.STR, enum=NoticeState.values),
        OpenApiParameter("region", OpenApiTypes.STR, description="A region's id or code."),
        OpenApiParameter("q", OpenApiTypes.STR, description="Words of the address or the "
                                                            "background."),
        OpenApiParameter("expired", OpenApiTypes.BOOL,
                         description="1: the expired notices too."),
        OpenApiParameter("case", OpenApiTypes.INT,
                         description="One case's matches (dispatchers) or applied notices "
                                     "(the crew on it)."),
        OpenApiParameter("since", OpenApiTypes.DATETIME,
                         description="A partner's: shared or changed since."),
    ], responses={200: OpenApiResponse(
        PolymorphicProxySerializer(
            component_name="NoticesAnswer", resource_type_field_name=None, many=False,
            serializers=[NoticeSerializer(many=True), CaseNoticeMatchesSerializer,
                         CaseCrewNoticesSerializer, PartnerNoticesAnswerSerializer]),
        description="The centre's reviewers get a list of NOTICE, or with ?case= "
                    "{case, matches} (dispatchers) or {case, notices} (the crew); a partner "
                    "organisation's token gets PartnerNoticesAnswer (README \"Sharing with "
                    "partners\").")})
    def get(self, request):
        if is_partner(request.user):
            partners = _partners()
            if partners is None:
                raise Forbidden(_("Your role may not do this."))
            return partners.notices_get(request)
        q = request.query_params
        case = q.get("case", "").strip()
        if case:
            if not (case.isascii() and case.isdigit()):
                raise Invalid(_("case is a case's number, e.g. ?case=12."))
            found = case_matches_recorded(user=request.user, case_pk=int(case),
                                          reason="risk notices of a case")
            if "assignment" in found:
                acknowledged = found["acknowledged"]
                return Response({"case": found["case"].pk, "notices": [
                    crew_notice_data(m, acknowledged_at=acknowledged.get(m.pk))
                    for m in found["matches"]]})
            return Response({"case": found["case"].pk,
                             "matches": [match_data(m) for m in found["matches"]]})
        if not reviews_notices(request.user):
            raise Forbidden(_("Your role may not do this."))
        region = q.get("region", "").strip()
        notices = notice_list_recorded(
            user=request.user, reason="risk notices listed", state=q.get("state", "").strip(),
            region=region, q=q.get("q", "").strip()[:100],
            expired=q.get("expired", "").lower() in YES)
        return Response([notice_data(n) for n in notices])

    @extend_schema(request=PolymorphicProxySerializer(
        component_name="NoticeOrPartnerNoticeInput",
        serializers=[NoticeInputSerializer, PartnerNoticeInputSerializer],
        resource_type_field_name=None), responses={201: PolymorphicProxySerializer(
            component_name="NoticeOrPartnerNotice", resource_type_field_name=None,
            serializers=[NoticeSerializer, PartnerNoticeSerializer])})
    def post(self, request):
        if is_partner(request.user):
            partners = _partners()
            if partners is None:
                raise Forbidden(_("Your role may not do this."))
            return partners.notices_post(request)
        data = validated_data(NoticeInputSerializer, request)
        notice = services.notice_create(by=request.user, **data)
        notices_record(user=request.user, notices=[notice], reason="risk notice entered")
        return created(notice_data(notice))


class NoticeMatchingView(APIView):
    """?latitude=&longitude=&address=&personal_identity_number=: what a case being typed
    would match."""

    permission_classes = [IsDispatcher]

    @extend_schema(parameters=[
        OpenApiParameter("latitude", OpenApiTypes.DOUBLE),
        OpenApiParameter("longitude", OpenApiTypes.DOUBLE),
        OpenApiParameter("address", OpenApiTypes.STR),
        OpenApiParameter("personal_identity_number", OpenApiTypes.STR,
                         description="YYYYMMDD-NNNN"),
    ], responses=NoticeMatchingAnswerSerializer)
    def get(self, request):
        q = request.query_params
        pin = q.get("personal_identity_number", "").strip()
        if pin and not pin_is_valid(pin):
            raise Invalid(_("Give the personal identity number as YYYYMMDD-NNNN."))
        latitude = _float(q.get("latitude"), "latitude")
        longitude = _float(q.get("longitude"), "longitude")
        if (latitude is None) != (longitude is None):
            raise Invalid(_("Give both latitude and longitude, or neither."))
        if latitude is not None:  # refuses inf, nan and out of range, in words
            latitude, longitude = validate_position(latitude=latitude, longitude=longitude)
        found = matching_preview_recorded(
            user=request.user, latitude=latitude, longitude=longitude,
            address=q.get("address", "")[:200], personal_identity_number=pin,
            reason="risk notices matched while a case is typed")
        return Response({"matches": [preview_data(f) for f in found]})


class NoticeDetailView(APIView):
    permission_classes = [ReviewsNotices]

    @extend_schema(responses=NoticeSerializer)
    def get(self, request, pk: int):
        return Response(notice_data(notice_get_recorded(user=request.user, pk=pk,
                                                        reason="risk notice read")))

    @extend_schema(request=NoticeUpdateSerializer, responses=NoticeSerializer)
    def patch(self, request, pk: int):
        data = validated_data(NoticeUpdateSerializer, request)
        notice = services.notice_update(notice=notice_get(pk), by=request.user, **data)
        notices_record(user=request.user, notices=[notice], reason="risk notice changed")
        return Response(notice_data(notice))


class NoticeReviewView(APIView):
    permission_classes = [ReviewsNotices]

    @extend_schema(request=ReviewSerializer, responses=NoticeSerializer)
    def post(self, request, pk: int):
        data = validated_data(ReviewSerializer, request)
        notice = services.notice_review(notice=notice_get(pk), by=request.user, **data)
        notices_record(user=request.user, notices=[notice], reason="risk notice reviewed")
        return Response(notice_data(notice))


class NoticeWithdrawView(APIView):
    permission_classes = [ReviewsNotices]

    @extend_schema(request=NoticeWithdrawSerializer, responses=NoticeSerializer)
    def post(self, request, pk: int):
        data = validated_data(NoticeWithdrawSerializer, request)
        notice = services.notice_withdraw(notice=notice_get(pk), by=request.user, **data)
        notices_record(user=request.user, notices=[notice], reason="risk notice withdrawn")
        return Response(notice_data(notice))


class MatchDecisionView(APIView):
    """applied | dismissed: whether a matched notice applies to the case (a dispatcher)."""

    permission_classes = [IsDispatcher]

    @extend_schema(request=DecisionSerializer, responses=NoticeMatchSerializer)
    def post(self, request, pk: int):
        data = validated_data(DecisionSerializer, request)
        match = match_services.match_decide(match=match_services.match_get(pk),
                                            by=request.user, **data)
        # The answer shows the case's match: the case's read, and the notice's if about a
        # person, recorded from what the decision already loaded.
        cases_record(user=request.user, cases=[match.case], reason="risk notice decided for a case")
        notices_record(user=request.user, notices=[match.notice],
                       reason="risk notice decided for a case")
        return Response(match_data(match))


class MatchAcknowledgeView(APIView):
    """The crew on the assignment read the applied notice; a replay answers the same."""

    permission_classes = [IsCrew]

    @extend_schema(request=AcknowledgeSerializer, responses=NoticeAcknowledgedSerializer)
    def post(self, request, pk: int):
        data = validated_data(AcknowledgeSerializer, request)
        ack = match_services.match_acknowledge(match=match_services.match_get(pk),
                                               by=request.user, assignment=data["assignment"])
        return Response({"match": ack.match_id,
                         "acknowledged_at": ack.acknowledged_at.isoformat()})
