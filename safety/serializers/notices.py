"""Risk notices as the API and the events show them: the dispatcher's NOTICE (everything), the
crew's CREW_NOTICE (what the risk is and what to do: no background, person or source), MATCH.
Every code travels with its label in the request's language."""

from django.utils import timezone
from rest_framework import serializers

from core.choices import choice_label
from core.times import iso

from ..models import (
    MatchDecision,
    MatchReason,
    NoticeAction,
    NoticeCategory,
    NoticeMatch,
    NoticeSource,
    NoticeState,
    RiskNotice,
)


def _name(user) -> str:
    return str(user) if user is not None else ""


def person_masked(person_key: str) -> str:
    """The person as the console may show a notice's subject: the last two digits
    ("xxxxxxxx-xx34"), enough to tell two notices apart, not to find the person. The key
    keeps no century, so none is shown rather than a guess."""
    if len(person_key) != 10 or not person_key.isdigit():
        return ""
    return f"xxxxxxxx-xx{person_key[-2:]}"


def notice_shared_data(notice: RiskNotice, *, now=None) -> dict:
    """What every reader of a notice sees (the centre's NOTICE and a partner's PARTNER_NOTICE):
    where, what the risk is, what the crews do, from whom and how long."""
    now = now or timezone.now()
    return {
        "id": notice.pk,
        "state": notice.state,
        "state_label": choice_label(NoticeState, notice.state),
        "region": notice.region_id,
        "region_name": notice.region.name,
        "address": notice.address,
        "latitude": notice.latitude,
        "longitude": notice.longitude,
        "radius_m": notice.radius_m,
        "category": notice.category,
        "category_label": choice_label(NoticeCategory, notice.category),
        "action": notice.action,
        "action_label": choice_label(NoticeAction, notice.action),
        "source": notice.source,
        "source_label": choice_label(NoticeSource, notice.source),
        "source_partner_name": notice.source_partner.name if notice.source_partner_id else "",
        "valid_from": iso(notice.valid_from),
        "valid_until": iso(notice.valid_until),
        "expired": notice.valid_until <= now,
        "version": notice.version,
    }


def notice_data(notice: RiskNotice, *, now=None) -> dict:
    """NOTICE, the dispatcher's view (dispatchers, the manager, administrators): the shared
    part, the person (masked), the background and who entered and reviewed it."""
    return {
        **notice_shared_data(notice, now=now),
        "has_person": bool(notice.person_key),
        "person_masked": person_masked(notice.person_key),
        "background": notice.background,
        "shareable": notice.shareable,
        "review_at": notice.review_at.isoformat() if notice.review_at else None,
        "entered_by_name": _name(notice.entered_by),
        "entered_at": iso(notice.entered_at),
        "reviewed_by_name": _name(notice.reviewed_by),
        "reviewed_at": iso(notice.reviewed_at),
    }


def reasons_data(reasons: list[str]) -> list[dict]:
    return [{"code": r, "label": choice_label(MatchReason, r)} for r in reasons]


def acknowledgement_data(ack) -> dict:
    """Which unit's crew read an applied notice, who and when (*kvitterad av*)."""
    return {"assignment": ack.assignment_id, "unit_call_sign": ack.assignment.unit.call_sign,
            "acknowledged_at": iso(ack.acknowledged_at), "by_name": _name(ack.user)}


def match_data(match: NoticeMatch) -> dict:
    """MATCH: a notice that matched a case, how, the dispatcher's decision and the crews'
    acknowledgements (loaded with the matches: safety.selectors.notices.match_prefetch)."""
    return {
        "id": match.pk,
        "notice": notice_data(match.notice),
        "reasons": reasons_data(match.reasons),
        "distance_m": match.distance_m,
        "decision": match.decision,
        "decision_label": choice_label(MatchDecision, match.decision),
        "decided_by_name": _name(match.decided_by),
        "decided_at": iso(match.decided_at),
        "acknowledgements": [acknowledgement_data(a) for a in match.acknowledgements.all()],
    }


def preview_data(found) -> dict:
    """A match before there is a case (safety.services.matching.Found): MATCH without id and
    decision."""
    return {"notice": notice_data(found.notice), "reasons": reasons_data(found.reasons),
            "distance_m": found.distance_m}


def crew_notice_data(match: NoticeMatch, *, acknowledged_at=None) -> dict:
    """CREW_NOTICE: what the crew needs on the way there, nothing about whom or from whom."""
    notice = match.notice
    return {
        "match": match.pk,
        "category": notice.category,
        "category_label": choice_label(NoticeCategory, notice.category),
        "action": notice.action,
        "action_label": choice_label(NoticeAction, notice.action),
        "acknowledged_at": iso(acknowledged_at),
    }


class NoticeFieldsSerializer(serializers.Serializer):
    """What every new notice says, from the centre or a partner. Category, action and
    valid_until are checked by the service, which says in words what to add."""

    address = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                    default="")
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    radius_m = serializers.IntegerField(min_value=0, required=False, default=0)
    personal_identity_number = serializers.CharField(max_length=20, required=False,
                                                     allow_blank=True, default="")
    category = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                     default="")
    action = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                   default="")
    valid_until = serializers.DateTimeField(required=False, allow_null=True, default=None)
    background = serializers.CharField(required=False, allow_blank=True, default="",
                                       max_length=4000)
    shareable = serializers.BooleanField(required=False, default=False)


class NoticeInputSerializer(NoticeFieldsSerializer):
    """A new notice entered at the centre: tied to an address of the register or a case, with
    a review date, a region (else the address's or the case's) and a source."""

    address_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    review_at = serializers.DateField(required=False, allow_null=True, default=None)
    region = serializers.IntegerField(required=False, allow_null=True, default=None)
    source = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                   default="")
    case = serializers.IntegerField(required=False, allow_null=True, default=None)


class NoticeUpdateSerializer(serializers.Serializer):
    """A change of a notice, made on `version` (409 when someone changed it meanwhile)."""

    version = serializers.IntegerField(min_value=1)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False)
    radius_m = serializers.IntegerField(min_value=0, required=False)
    personal_identity_number = serializers.CharField(max_length=20, required=False,
                                                     allow_blank=True)
    category = serializers.CharField(max_length=20, required=False)
    action = serializers.CharField(max_length=20, required=False)
    valid_until = serializers.DateTimeField(required=False)
    review_at = serializers.DateField(required=False, allow_null=True)
    background = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    shareable = serializers.BooleanField(required=False)


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class NoticeWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=180, required=False, allow_blank=True,
                                   default="")


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[MatchDecision.APPLIED.value,
                                                MatchDecision.DISMISSED.value])


class AcknowledgeSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()


# The answers as the API description shows them (the dict builders above write them; these
# serializers only describe, they never serialize).


class NoticeSharedSerializer(serializers.Serializer):
    """The part of a notice every reader sees (notice_shared_data)."""

    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=NoticeState.choices)
    state_label = serializers.CharField()
    region = serializers.IntegerField()
    region_name = serializers.CharField()
    address = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    radius_m = serializers.IntegerField()
    category = serializers.ChoiceField(choices=NoticeCategory.choices)
    category_label = serializers.CharField()
    action = serializers.ChoiceField(choices=NoticeAction.choices)
    action_label = serializers.CharField()
    source = serializers.ChoiceField(choices=NoticeSource.choices)
    source_label = serializers.CharField()
    source_partner_name = serializers.CharField()
    valid_from = serializers.DateTimeField()
    valid_until = serializers.DateTimeField()
    expired = serializers.BooleanField()
    version = serializers.IntegerField()


class NoticeSerializer(NoticeSharedSerializer):
    """NOTICE (notice_data)."""

    has_person = serializers.BooleanField()
    person_masked = serializers.CharField(help_text='"xxxxxxxx-xx34", or "" without a person.')
    background = serializers.CharField()
    shareable = serializers.BooleanField()
    review_at = serializers.DateField(allow_null=True)
    entered_by_name = serializers.CharField()
    entered_at = serializers.DateTimeField()
    reviewed_by_name = serializers.CharField()
    reviewed_at = serializers.DateTimeField(allow_null=True)


class NoticeMatchReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=MatchReason.choices)
    label = serializers.CharField()


class NoticeAcknowledgementSerializer(serializers.Serializer):
    """acknowledgement_data."""

    assignment = serializers.IntegerField()
    unit_call_sign = serializers.CharField()
    acknowledged_at = serializers.DateTimeField()
    by_name = serializers.CharField()


class NoticePreviewSerializer(serializers.Serializer):
    """A match before there is a case (preview_data)."""

    notice = NoticeSerializer()
    reasons = NoticeMatchReasonSerializer(many=True)
    distance_m = serializers.IntegerField(allow_null=True)


class NoticeMatchSerializer(NoticePreviewSerializer):
    """MATCH (match_data)."""

    id = serializers.IntegerField()
    decision = serializers.ChoiceField(choices=MatchDecision.choices)
    decision_label = serializers.CharField()
    decided_by_name = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    acknowledgements = NoticeAcknowledgementSerializer(many=True)


class CrewNoticeSerializer(serializers.Serializer):
    """CREW_NOTICE (crew_notice_data)."""

    match = serializers.IntegerField()
    category = serializers.ChoiceField(choices=NoticeCategory.choices)
    category_label = serializers.CharField()
    action = serializers.ChoiceField(choices=NoticeAction.choices)
    action_label = serializers.CharField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)


class CaseNoticeMatchesSerializer(serializers.Serializer):
    """?case= for a dispatcher: the case's matches."""

    case = serializers.IntegerField()
    matches = NoticeMatchSerializer(many=True)


class CaseCrewNoticesSerializer(serializers.Serializer):
    """?case= for the crew on it: the applied notices."""

    case = serializers.IntegerField()
    notices = CrewNoticeSerializer(many=True)


class NoticeMatchingAnswerSerializer(serializers.Serializer):
    matches = NoticePreviewSerializer(many=True)


class NoticeAcknowledgedSerializer(serializers.Serializer):
    match = serializers.IntegerField()
    acknowledged_at = serializers.DateTimeField()
