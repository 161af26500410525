"""API the screens need that spans apps: who am I, which streams do I follow."""

from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from crews.selectors import crew_shift_open
from crews.streams import UNITS_STREAM, unit_stream
from dispatch.streams import DISPATCH_STREAM
from ivpa.streams import IVPA_STREAM, responder_stream


def streams_for(user) -> list[str]:
    if user.is_superuser or user.role in (Role.DISPATCHER, Role.ADMIN):
        return [DISPATCH_STREAM, UNITS_STREAM, IVPA_STREAM]
    if user.role in (Role.CREW, Role.MOBILE_CARE):
        # Mobile care staff join their unit for the shift as crews do; its referrals come on
        # the unit's stream.
        shift = crew_shift_open(user=user)
        return [unit_stream(shift.unit_id)] if shift else []
    if user.role == Role.RESPONDER:
        return [responder_stream(user.pk)]
    return []


def me_payload(user) -> dict:
    shift = (crew_shift_open(user=user)
             if user.role in (Role.CREW, Role.MOBILE_CARE) else None)
    return {
        "id": user.pk,
        "username": user.username,
        "name": str(user),
        "role": user.role,
        "unit": shift.unit_id if shift else None,
        "unit_call_sign": shift.unit.call_sign if shift else None,
        "streams": streams_for(user),
    }


class MeView(APIView):
    @extend_schema(request=None, responses=None)
    def get(self, request):
        get_token(request)
        return Response(me_payload(request.user))
