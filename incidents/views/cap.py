"""CAP 1.2 over HTTP: GET an incident's CAP message as sent (the dispatcher's and TiB's look
at what the regions received), and POST /api/incidents/cap/, where the regions' systems post
their acknowledgements and their own alarms, authenticated by the region's bearer token."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import role_permission
from accounts.roles import INCIDENT_ROLES
from core.errors import Forbidden, Invalid, NotFound

from ..models import MajorIncident
from ..selectors.cap import alarm_region_by_cap_token, cap_message_of
from ..services.cap_incoming import incoming_cap_data, incoming_cap_receive

FollowsIncidents = role_permission(*INCIDENT_ROLES)
CAP_CONTENT_TYPE = "application/cap+xml; charset=utf-8"
INCOMING_MAX_BYTES = 256 * 1024


class FirstRenderer(BaseContentNegotiation):
    """Errors answer JSON whatever the client accepts (a CAP client asks for XML)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class IncidentCapView(APIView):
    """GET: the incident's latest CAP message as it was sent (signed XML), or the one of
    ?identifier=. Dispatchers, TiB and administrators."""

    permission_classes = [FollowsIncidents]
    content_negotiation_class = FirstRenderer

    @extend_schema(parameters=[OpenApiParameter("identifier", OpenApiTypes.STR)],
                   responses={(200, "application/cap+xml"): OpenApiTypes.STR},
                   operation_id="incident_cap_get")
    def get(self, request, pk: int):
        if not MajorIncident.objects.filter(pk=pk).exists():
            raise NotFound(_("No such incident."))
        identifier = request.query_params.get("identifier", "").strip()
        message = cap_message_of(incident_id=pk, identifier=identifier)
        if message is None:
            raise NotFound(_("This incident has no CAP message with that identifier.")
                           if identifier else
                           _("No CAP message has been sent for this incident yet: it goes "
                             "out when TiB confirms the incident."))
        response = HttpResponse(message.xml.encode("utf-8"), content_type=CAP_CONTENT_TYPE)
        response["Content-Disposition"] = (
            f'inline; filename="cap-{pk}-{message.identifier.rsplit(":", 1)[-1]}.xml"')
        return response


def _bearer(request) -> str:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class IncomingCapView(APIView):
    """POST a CAP 1.2 alert (application/cap+xml) from a region's system, with
    `Authorization: Bearer <the region's CAP token>`: an Ack of our alarm acknowledges it;
    the region's own Alert, Update or Cancel is kept and shown on the consoles. 201 when
    taken, 200 for a replay (same sender and identifier), 400 with the schema's errors."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes: list = []
    content_negotiation_class = FirstRenderer

    @extend_schema(request={"application/cap+xml": OpenApiTypes.STR},
                   responses={201: OpenApiResponse(OpenApiTypes.OBJECT),
                              200: OpenApiResponse(OpenApiTypes.OBJECT)},
                   operation_id="incident_cap_incoming")
    def post(self, request):
        token = _bearer(request)
        if not token:
            return Response(
                {"detail": _("Send the region's CAP token: Authorization: Bearer <token>.")},
                status=401, headers={"WWW-Authenticate": 'Bearer realm="cap"'})
        region = alarm_region_by_cap_token(token=token)
        if region is None:
            raise Forbidden(_("This CAP token belongs to no region of the healthcare region: "
                              "ask the centre's administrator for the region's token."))
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > INCOMING_MAX_BYTES:
            raise Invalid(_("The CAP message is too large (at most %(kb)s KB).")
                          % {"kb": INCOMING_MAX_BYTES // 1024})
        body = request.body
        if len(body) > INCOMING_MAX_BYTES:
            raise Invalid(_("The CAP message is too large (at most %(kb)s KB).")
                          % {"kb": INCOMING_MAX_BYTES // 1024})
        if not body.strip():
            raise Invalid(_("Post the CAP 1.2 alert as the body (application/cap+xml)."))
        incoming, created = incoming_cap_receive(region=region, xml=body)
        return Response(incoming_cap_data(incoming), status=201 if created else 200)
