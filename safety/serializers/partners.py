"""What a partner organisation reads and posts (PARTNER_NOTICE): a notice without its
background, without the person it may be about and without the centre's staff names. Every
code travels with its label in the request's language."""

from rest_framework import serializers

from core.choices import choice_label
from core.times import iso

from ..models import (
    ExchangeDirection,
    PartnerExchange,
    PartnerKind,
    RiskNotice,
)
from .notices import NoticeFieldsSerializer, NoticeSharedSerializer, notice_shared_data


def partner_notice_data(notice: RiskNotice, *, now=None) -> dict:
    """PARTNER_NOTICE: the part every reader sees, and the region's code the partner knows
    its regions by."""
    return {**notice_shared_data(notice, now=now), "region_code": notice.region.code}


def exchange_data(exchange: PartnerExchange) -> dict:
    partner = exchange.partner
    return {
        "id": exchange.pk,
        "partner": partner.pk,
        "partner_name": partner.name,
        "kind": partner.kind,
        "kind_label": choice_label(PartnerKind, partner.kind),
        "direction": exchange.direction,
        "direction_label": choice_label(ExchangeDirection, exchange.direction),
        "at": iso(exchange.at),
        "notice_ids": exchange.notice_ids,
        "what": exchange.what,
    }


class PartnerNoticeInputSerializer(NoticeFieldsSerializer):
    """A notice a partner proposes. Its region (a code such as "VML", or an id) must be one of
    the partner's; category, action and valid_until are checked by the notices service, which
    says in words what to add."""

    region = serializers.CharField(max_length=20, error_messages={
        "required": "Say which of your regions the notice is for (region), e.g. \"VML\".",
        "blank": "Say which of your regions the notice is for (region), e.g. \"VML\"."})


class PartnerNoticeSerializer(NoticeSharedSerializer):
    """PARTNER_NOTICE as the API description shows it (partner_notice_data writes it)."""

    region_code = serializers.CharField()


class PartnerNoticesAnswerSerializer(serializers.Serializer):
    """GET /api/safety/notices/ for a partner: the shared notices (those shared or changed
    since `since`, when given), the ids of every notice shared now (a notice missing from it
    was withdrawn or expired: drop it) and the time to ask from next."""

    as_of = serializers.DateTimeField()
    since = serializers.DateTimeField(allow_null=True)
    notices = PartnerNoticeSerializer(many=True)
    shared_ids = serializers.ListField(child=serializers.IntegerField())


class ExchangeSerializer(serializers.Serializer):
    """One exchange with a partner, as the log shows it."""

    id = serializers.IntegerField()
    partner = serializers.IntegerField()
    partner_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=PartnerKind.choices)
    kind_label = serializers.CharField()
    direction = serializers.ChoiceField(choices=ExchangeDirection.choices)
    direction_label = serializers.CharField()
    at = serializers.DateTimeField()
    notice_ids = serializers.ListField(child=serializers.IntegerField())
    what = serializers.CharField()
