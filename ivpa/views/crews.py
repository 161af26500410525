"""What the ambulance crew sees of first responding (*IVPA*): on its assignment card, how many
responders are on their way or have arrived and whether they bring a defibrillator. The crew
of the assignment's own unit and the dispatchers; another unit's assignment does not exist
for a crew (dispatch.selectors decides whose it is). No name, phone number or position of a
responder, and nothing of the patient: no access-log entry (the card's own read logs)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsDispatcherOrCrew
from core.errors import NotFound
from dispatch.selectors import assignments_visible_to

from ..events import crew_responders
from ..selectors import responders_at_case


class AssignmentRespondersView(APIView):
    permission_classes = [IsDispatcherOrCrew]

    @extend_schema(responses=None)
    def get(self, request, pk: int):
        assignment = (assignments_visible_to(user=request.user, active_only=False)
                      .filter(pk=pk).first())
        if assignment is None:
            raise NotFound(_("No such assignment on your unit."))
        summary = crew_responders(assignment.case_id, responders_at_case(assignment.case_id))
        return Response({**summary, "assignment": assignment.pk})
