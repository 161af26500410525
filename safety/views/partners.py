"""Sharing risk notices with partner organisations (*samverkan*): the partner's side of
GET and POST /api/safety/notices/ (safety.views.notices hands a partner's request here), and
the exchange log for the manager and administrators."""

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsSignedInStaff, role_permission
from accounts.roles import MANAGER_ROLES
from core.api import created, validated_data
from core.errors import Forbidden, Invalid
from core.times import iso

from ..selectors.partners import exchange_list, partner_of_user
from ..serializers.partners import (
    ExchangeSerializer,
    PartnerNoticeInputSerializer,
    exchange_data,
    partner_notice_data,
)
from ..services.partners import partner_notice_propose, partner_notices_send

ReadsExchanges = role_permission(*MANAGER_ROLES)


def _partner(request):
    partner = partner_of_user(user=request.user)
    if partner is None:
        raise Forbidden(_("This account belongs to no active partner organisation: ask the "
                          "centre's administrator."))
    return partner


def _since(text: str):
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = parse_datetime(text.replace(" ", "+"))
    except ValueError:  # well formed but no such time, e.g. 2026-02-30T08:00:00+01:00
        value = None
    if value is None or value.tzinfo is None:
        raise Invalid(_("Give since as a time with its offset, e.g. "
                        "since=2026-12-01T08:00:00+01:00 (the as_of of your last answer)."))
    return value


def notices_get(request) -> Response:
    """A partner's GET /api/safety/notices/[?since=]: the shared notices of its regions."""
    partner = _partner(request)
    since = _since(request.query_params.get("since", ""))
    notices, shared, now = partner_notices_send(partner=partner, since=since)
    return Response({"as_of": iso(now), "since": iso(since),
                     "notices": [partner_notice_data(n, now=now) for n in notices],
                     "shared_ids": shared})


def notices_post(request) -> Response:
    """A partner's POST /api/safety/notices/: a proposed notice for one of its regions."""
    partner = _partner(request)
    data = validated_data(PartnerNoticeInputSerializer, request)
    notice = partner_notice_propose(partner=partner, by=request.user, **data)
    return created(partner_notice_data(notice))


class ExchangeListView(APIView):
    """The exchanges with partners, newest first (?partner=<id>): the manager and
    administrators."""

    permission_classes = [IsSignedInStaff, ReadsExchanges]

    @extend_schema(parameters=[OpenApiParameter("partner", OpenApiTypes.INT)],
                   responses={200: ExchangeSerializer(many=True)})
    def get(self, request):
        text = request.query_params.get("partner", "").strip()
        if text and not (text.isascii() and text.isdigit()):
            raise Invalid(_("partner is a partner's id, e.g. ?partner=1."))
        return Response([exchange_data(e) for e in
                         exchange_list(partner=int(text) if text else None)])
