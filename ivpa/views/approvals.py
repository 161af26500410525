"""Vetting volunteers over the API: administrators (every volunteer) and coordinators (those of
their municipalities) list who waits for approval, approve a training with its date, and revoke
an approval. A volunteer outside the caller's municipalities is a 404, as any row not theirs."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import role_permission
from core.api import validated_data
from core.errors import Invalid

from .. import selectors, services
from ..serializers import ApproveSerializer, RevokeSerializer, VolunteerSerializer

# Who vets volunteers: administrators (everyone), coordinators (their municipalities').
IsApprover = role_permission(Role.ADMIN, Role.COORDINATOR)
MAX_LIST = 500


def _volunteers(request):
    return (selectors.volunteers_for_approver(request.user)
            .select_related("user", "municipality", "approved_by")
            .prefetch_related("user__linked_identities"))


def _answer(request, pk: int) -> Response:
    return Response(VolunteerSerializer(get_object_or_404(_volunteers(request), pk=pk)).data)


class VolunteerListView(APIView):
    """The volunteers the caller vets, oldest registration first; ?pending=1 for those who
    wait for an approval (new, changed training, or an approval that has expired)."""

    permission_classes = [IsApprover]

    @extend_schema(responses=VolunteerSerializer(many=True), parameters=[
        OpenApiParameter("pending", bool), OpenApiParameter("limit", int),
        OpenApiParameter("offset", int)])
    def get(self, request):
        q = request.query_params
        try:
            limit = min(MAX_LIST, int(q.get("limit", 200)))
            offset = int(q.get("offset", 0))
            if limit < 1 or offset < 0:
                raise ValueError
        except ValueError:
            raise Invalid(_("limit is 1 to 500 and offset 0 or more.")) from None
        volunteers = _volunteers(request).order_by("registered_at", "pk")
        if q.get("pending") in ("1", "true"):
            volunteers = selectors.volunteers_waiting(volunteers)
        return Response(VolunteerSerializer(volunteers[offset:offset + limit], many=True).data)


class VolunteerApproveView(APIView):
    permission_classes = [IsApprover]

    @extend_schema(request=ApproveSerializer, responses=VolunteerSerializer)
    def post(self, request, pk: int):
        data = validated_data(ApproveSerializer, request)
        services.responder_approve(responder=get_object_or_404(_volunteers(request), pk=pk),
                                   by=request.user, **data)
        return _answer(request, pk)


class VolunteerRevokeView(APIView):
    permission_classes = [IsApprover]

    @extend_schema(request=RevokeSerializer, responses=VolunteerSerializer)
    def post(self, request, pk: int):
        data = validated_data(RevokeSerializer, request)
        services.responder_revoke(responder=get_object_or_404(_volunteers(request), pk=pk),
                                  by=request.user, **data)
        return _answer(request, pk)
