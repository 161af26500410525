"""The referrals API: thin views over services and selectors.

Dispatchers: proposals, send, list, read, withdraw, statistics. A mobile care unit's staff:
join their unit, keep its profile, and answer the referrals sent to it (only those: another
unit's referral does not exist for them, 404). Every read of a referral is logged: the
answers come from the recorded reads in referrals/access.py.
"""

from datetime import datetime, time, timedelta

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import IsDispatcher, role_permission
from accounts.roles import CONSOLE_ROLES, is_administrator, is_dispatcher
from audit.models import AccessAction
from core import csp
from core.api import idempotent, validated_data
from core.errors import Forbidden, Invalid, NotFound
from crews.models import Region, Unit
from dispatch.access import cases_record
from dispatch.models import Case
from dispatch.selectors import case_list

from . import access, selectors, services
from .measures import referral_stats
from .models import MobileCareProfile, Referral
from .serializers import (
    AcceptSerializer,
    DeclineSerializer,
    ProfileSerializer,
    ProfileUpdateSerializer,
    ReferralInputSerializer,
    ReferralSerializer,
    TransitionSerializer,
    VisitOutcomeSerializer,
    WithdrawSerializer,
    skills_choices,
    withheld_from,
)

IsMobileCare = role_permission(Role.MOBILE_CARE)
IsDispatcherOrMobileCare = role_permission(*CONSOLE_ROLES, Role.MOBILE_CARE)


def _context(user) -> dict:
    return {"role": "dispatcher" if is_dispatcher(user) else "unit"}


def _referral_of(request, pk: int) -> Referral:
    referral = selectors.referrals_visible_to(user=request.user).filter(pk=pk).first()
    if referral is None:
        raise NotFound(_("No such referral for you."))
    return referral


def _answer(request, pk: int, reason: str, *, status: int = 200,
            transitions: bool = False, action: str = AccessAction.READ) -> Response:
    """The referral as it is now: a recorded read."""
    referral = access.referral_get_recorded(user=request.user, pk=pk, reason=reason,
                                            action=action)
    data = ReferralSerializer(referral, context=_context(request.user)).data
    data["responsibility"] = selectors.case_responsibility(referral.case)
    if transitions:
        data["transitions"] = TransitionSerializer(
            referral.transitions.select_related("by"), many=True).data
    return Response(data, status=status)


def _case(pk) -> Case:
    case = case_list(status=None).filter(pk=pk).first()
    if case is None:
        raise NotFound(_("No such case."))
    return case


def _int_param(request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise Invalid(_("%(name)s is an id (a number).") % {"name": name}) from None


class ReferralListView(APIView):
    """GET ?case=<id>&state=open|closed|sent|accepted|…: dispatchers all, a unit's staff their
    unit's. POST: a dispatcher refers a case to a unit."""

    permission_classes = [IsDispatcherOrMobileCare]

    @extend_schema(responses=ReferralSerializer(many=True))
    def get(self, request):
        items = access.referral_list_recorded(
            user=request.user, reason="referral list", case_id=_int_param(request, "case"),
            state=request.query_params.get("state"))
        context = _context(request.user)
        return Response([{**ReferralSerializer(r, context=context).data} for r in items])

    @extend_schema(request=ReferralInputSerializer, responses=ReferralSerializer)
    def post(self, request):
        if not is_dispatcher(request.user):
            raise Forbidden(_("Only dispatchers refer patients."))
        data = validated_data(ReferralInputSerializer, request)

        def act():
            case = _case(data["case"])
            unit = Unit.objects.filter(pk=data["unit"]).first()
            if unit is None:
                raise NotFound(_("No such unit."))
            referral = services.referral_send(
                case=case, unit=unit, by=request.user, line=data["line"],
                deadline=data.get("deadline"), callback_number=data.get("callback_number"),
                handover=dict(data.get("handover") or {}), skills=data.get("skills") or [])
            return _answer(request, referral.pk, "referral sent", status=201,
                           action=AccessAction.CREATE)

        def replay():
            referral = selectors.referral_queryset().filter(
                case_id=data["case"], sent_by=request.user).order_by("-sent_at").first()
            return _answer(request, referral.pk, "referral sent (replay)")

        return idempotent(request, scope=f"referral-send:{data['case']}", action=act,
                          replay=replay)


class ReferralDetailView(APIView):
    permission_classes = [IsDispatcherOrMobileCare]

    @extend_schema(responses=ReferralSerializer)
    def get(self, request, pk: int):
        return _answer(request, pk, "referral opened", transitions=True)


class ReferralSummaryView(APIView):
    """A print-friendly page of the referral (no script); the read is logged."""

    permission_classes = [IsDispatcherOrMobileCare]

    @extend_schema(responses={(200, "text/html"): str})
    def get(self, request, pk: int):
        referral = _referral_of(request, pk)
        context = _context(request.user)
        if withheld_from(referral, context["role"]):
            raise Forbidden(_(
                "This referral was declined or withdrawn: your unit no longer holds the "
                "patient, so there is no summary to print. The dispatch centre has it."))
        referral = access.referral_get_recorded(user=request.user, pk=pk,
                                                reason="referral summary printed")
        data = ReferralSerializer(referral, context=context).data
        html = render_to_string("referrals/summary.html", {
            "r": data, "referral": referral, "printed_at": timezone.localtime(),
            "printed_by": str(request.user),
            "transitions": referral.transitions.select_related("by"),
        }, request=request._request)
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Cache-Control"] = "private, no-store"
        response[csp.HEADER] = csp.header(request._request, csp.DOCUMENT)
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _unit_action(name: str, act, body, reason: str, *, dispatcher: bool = False):
    """A POST that moves a referral: run once per idempotency key, answered with the
    referral as it is now."""

    class View(APIView):
        permission_classes = [IsDispatcher if dispatcher else IsMobileCare]

        @extend_schema(request=body, responses=ReferralSerializer)
        def post(self, request, pk: int):
            def run():
                data = validated_data(body, request)
                referral = act(referral=_referral_of(request, pk), by=request.user, **data)
                if referral.new_case_id:  # "needs ambulance": a new patient record
                    cases_record(user=request.user, cases=[referral.new_case],
                                 reason="case registered from a referral",
                                 action=AccessAction.CREATE)
                return _answer(request, pk, reason, action=AccessAction.UPDATE)

            return idempotent(request, scope=f"referral-{name}:{pk}", action=run,
                              replay=lambda: _answer(request, pk, f"{reason} (replay)"))

    View.__name__ = f"Referral{name.title()}View"
    return View


ReferralAcceptView = _unit_action("accept", services.referral_accept, AcceptSerializer,
                                  "referral accepted")
ReferralDeclineView = _unit_action("decline", services.referral_decline, DeclineSerializer,
                                   "referral declined")
ReferralOutcomeView = _unit_action("outcome", services.referral_record_outcome,
                                   VisitOutcomeSerializer, "referral visit recorded")
ReferralWithdrawView = _unit_action("withdraw", services.referral_withdraw, WithdrawSerializer,
                                    "referral withdrawn", dispatcher=True)


class ProposalsView(APIView):
    """?case=<id>&skills=a,b: every mobile care unit against the case, those that fit first
    (by load, then distance), then the others with the reasons they do not."""

    permission_classes = [IsDispatcher]

    @extend_schema(responses=None)
    def get(self, request):
        case_id = _int_param(request, "case")
        if case_id is None:
            raise Invalid(_("Give the case: ?case=<id>."))
        case = _case(case_id)
        skills = [s.strip() for s in request.query_params.get("skills", "").split(",")
                  if s.strip()]
        unknown = [s for s in skills if s not in skills_choices()]
        if unknown:
            raise Invalid(_("Unknown skill %(skill)s; use %(skills)s.")
                          % {"skill": unknown[0], "skills": ", ".join(skills_choices())})
        fits = access.proposals_recorded(user=request.user, case=case, skills=skills,
                                         reason="referral proposals")
        return Response({
            "case": case.pk,
            "skills": skills,
            "responsibility": selectors.case_responsibility(case),
            "units": [{
                "unit": f.unit.pk,
                "call_sign": f.unit.call_sign,
                "selectable": f.selectable,
                "reasons": f.reasons,
                "open_referrals": f.open_referrals,
                "capacity": f.profile.capacity if f.profile else 0,
                "load": round(f.load, 3),
                "distance_m": f.distance_m,
                "skills": f.profile.skills if f.profile else [],
                "opening_hours": f.profile.opening_hours if f.profile else "",
                "available": bool(f.profile and f.profile.available),
            } for f in fits],
        })


class CaseResponsibilityView(APIView):
    """Who holds a case's patient now, and the case's referrals (newest first)."""

    permission_classes = [IsDispatcher]

    @extend_schema(responses=None)
    def get(self, request, pk: int):
        case = _case(pk)
        items = access.referrals_of_case_recorded(user=request.user, case=case,
                                                  reason="case referrals")
        return Response({
            "case": case.pk,
            "responsibility": selectors.case_responsibility(case),
            "referrals": ReferralSerializer(items, many=True,
                                            context=_context(request.user)).data,
        })


class CareUnitListView(APIView):
    """The mobile care units with their profiles: for dispatchers, and for staff choosing the
    unit to join. Includes the skills one may choose."""

    permission_classes = [IsDispatcherOrMobileCare]

    @extend_schema(responses=None)
    def get(self, request):
        units = list(selectors.care_units())
        profiles = [services.profile_of(u) if not hasattr(u, "care_profile") else u.care_profile
                    for u in units]
        own = selectors.staff_unit(request.user)
        return Response({
            "skills": skills_choices(),
            "joined": own.pk if own else None,
            "units": ProfileSerializer(profiles, many=True).data,
        })


def _care_unit(pk: int) -> Unit:
    return get_object_or_404(selectors.care_units(), pk=pk)


class ProfileView(APIView):
    """GET: dispatchers and the unit's own staff. PATCH: the unit's own staff (and
    administrators)."""

    permission_classes = [IsDispatcherOrMobileCare]

    def _own(self, request, unit: Unit) -> None:
        if is_administrator(request.user):
            return
        if is_dispatcher(request.user):
            raise Forbidden(_("The unit's own staff set its profile."))
        if not selectors.is_staff_of(request.user, unit.pk):
            raise NotFound(_("Join the unit first: you set the profile of your own unit."))

    @extend_schema(responses=ProfileSerializer)
    def get(self, request, pk: int):
        unit = _care_unit(pk)
        if not is_dispatcher(request.user) and not selectors.is_staff_of(
                request.user, unit.pk):
            raise NotFound(_("Join the unit first: you see the profile of your own unit."))
        return Response(ProfileSerializer(services.profile_of(unit)).data)

    @extend_schema(request=ProfileUpdateSerializer, responses=ProfileSerializer)
    def patch(self, request, pk: int):
        unit = _care_unit(pk)
        self._own(request, unit)
        data = validated_data(ProfileUpdateSerializer, request)
        profile = services.profile_update(unit=unit, by=request.user, **data)
        return Response(ProfileSerializer(MobileCareProfile.objects.select_related("unit")
                                          .get(pk=profile.pk)).data)


def _moment(text: str | None, *, end: bool) -> datetime | None:
    if not text:
        return None
    # A bare date first: parse_datetime takes "2026-11-30" for its midnight, which would
    # leave the `to` day itself out.
    try:
        day = parse_date(text)
    except ValueError:
        day = None
    if day is not None:
        moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
    else:
        try:
            moment = parse_datetime(text)
        except ValueError:
            moment = None
        if moment is None:
            raise Invalid(_("from and to are dates (2026-11-01) or times in ISO 8601."))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class StatsView(APIView):
    """?from=2026-11-01&to=2026-11-30 (dates inclusive; default the last 30 days)
    [&region=<id>: the referrals of that region's cases]."""

    permission_classes = [IsDispatcher]

    @extend_schema(responses=None)
    def get(self, request):
        try:
            end = _moment(request.query_params.get("to"), end=True) or timezone.now()
            start = _moment(request.query_params.get("from"), end=False) or \
                end - timedelta(days=30)
        except ValueError:
            raise Invalid(_("from and to are dates (2026-11-01) or times in ISO 8601.")) \
                from None
        if start >= end:
            raise Invalid(_("from must be before to."))
        region = None
        region_id = _int_param(request, "region")
        if region_id is not None:
            region = Region.objects.filter(pk=region_id).first()
            if region is None:
                raise NotFound(_("No such region."))
        return Response(referral_stats(start=start, end=end, region=region))
