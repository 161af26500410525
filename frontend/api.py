"""API the screens need that spans apps: who am I, which streams do I follow."""

from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import joins_shifts
from crews.selectors import crew_shift_open
from realtime.registry import streams_followed
from realtime.selectors import stream_heads


def me_payload(user) -> dict:
    """Who the user is, the unit joined for the shift, and the streams the screen follows
    from the start (each app that owns a kind of stream says which of them a user follows),
    with each stream's head now: the screen loads its state after this, so a first
    subscription resumes from there (the server replays what came between) instead of
    loading the state a second time."""
    shift = crew_shift_open(user=user) if joins_shifts(user) else None
    streams = streams_followed(user)
    heads = stream_heads(streams=streams)
    return {
        "id": user.pk,
        "username": user.username,
        "name": str(user),
        "role": user.role,
        "unit": shift.unit_id if shift else None,
        "unit_call_sign": shift.unit.call_sign if shift else None,
        "streams": streams,
        "heads": {stream: heads.get(stream, 0) for stream in streams},
    }


class MeView(APIView):
    @extend_schema(request=None, responses=None)
    def get(self, request):
        get_token(request)
        return Response(me_payload(request.user))
