"""Queries of referrals: who sees which, which units fit a case, who is responsible. They
record nothing: a view that shows what they return reads it through referrals/access.py."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.roles import is_dispatcher
from core import hours
from core.geo import distance_m
from crews.models import Unit, UnitKind
from crews.selectors import unit_of_user
from dispatch.models import Case

from .models import OPEN_STATES, MobileCareProfile, Party, Referral, skill_label


def staff_unit(user) -> Unit | None:
    """The mobile care unit a mobile care staff member has joined for the shift."""
    if getattr(user, "role", None) != Role.MOBILE_CARE:
        return None
    unit = unit_of_user(user=user)
    return unit if unit is not None and unit.kind == UnitKind.MOBILE_CARE else None


def is_staff_of(user, unit_id: int) -> bool:
    unit = staff_unit(user)
    return unit is not None and unit.pk == unit_id


def referral_queryset() -> QuerySet[Referral]:
    return Referral.objects.select_related(
        "case", "case__region", "unit", "sent_by", "accepted_by", "new_case")


def referrals_visible_to(*, user) -> QuerySet[Referral]:
    """Dispatchers see every referral; a mobile care unit's staff only those sent to the unit
    they joined; everyone else none."""
    qs = referral_queryset()
    if is_dispatcher(user):
        return qs
    unit = staff_unit(user)
    return qs.filter(unit=unit) if unit is not None else qs.none()


def open_referral(case: Case) -> Referral | None:
    return referral_queryset().filter(case=case, state__in=OPEN_STATES).first()


def case_responsibility(case: Case) -> dict:
    """Who holds the patient of a case now, the same answer as the case's latest referral's
    `responsible` (seed 003: the last one that handled the patient): the unit once it has
    accepted, and still after it recorded a visit it ended itself (treated at home, referred
    on); the centre before any referral, while one waits for an answer, after a decline or a
    withdrawal, and after "needs ambulance". A case has at most one open referral and it is
    always its latest."""
    referral = referral_queryset().filter(case=case).order_by("-sent_at", "-pk").first()
    if referral is not None and referral.responsible == Party.UNIT:
        return {"party": Party.UNIT, "unit": referral.unit_id,
                "unit_call_sign": referral.unit.call_sign, "referral": referral.pk}
    return {"party": Party.CENTRE, "unit": None, "unit_call_sign": None,
            "referral": referral.pk if referral is not None and referral.is_open else None}


def open_counts(unit_ids) -> dict[int, int]:
    rows = (Referral.objects.filter(unit_id__in=list(unit_ids), state__in=OPEN_STATES)
            .values("unit_id").annotate(n=Count("pk")))
    return {row["unit_id"]: row["n"] for row in rows}


def covers(profile: MobileCareProfile, case: Case) -> bool:
    """The case is in the unit's area: its municipality is one the unit serves, or its
    position is within the radius around the unit's centre point."""
    name = (case.municipality or "").strip().casefold()
    if name and name in {m.strip().casefold() for m in profile.municipalities}:
        return True
    if profile.radius_km is not None and case.latitude is not None:
        return distance_m(profile.centre_latitude, profile.centre_longitude,
                          case.latitude, case.longitude) <= profile.radius_km * 1000
    return False


def open_now(profile: MobileCareProfile, at: datetime) -> bool:
    try:
        return hours.is_open(profile.opening_hours, timezone.localtime(at))
    except hours.HoursError:
        return False


@dataclass
class Fit:
    """A mobile care unit measured against a case: whether it may be sent the referral, and
    every reason it may not."""

    unit: Unit
    profile: MobileCareProfile | None
    open_referrals: int
    distance_m: int | None
    reasons: list[dict] = field(default_factory=list)

    @property
    def selectable(self) -> bool:
        return not self.reasons

    @property
    def load(self) -> float:
        capacity = self.profile.capacity if self.profile else 0
        return self.open_referrals / capacity if capacity else 1.0

    def message(self) -> str:
        return " ".join(r["message"] for r in self.reasons)


def unit_fit(unit: Unit, profile: MobileCareProfile | None, case: Case, *, skills, now,
             open_referrals: int) -> Fit:
    where = None
    if unit.latitude is not None and unit.longitude is not None:
        where = (unit.latitude, unit.longitude)
    elif profile is not None and profile.centre_latitude is not None:
        where = (profile.centre_latitude, profile.centre_longitude)
    distance = (int(distance_m(where[0], where[1], case.latitude, case.longitude))
                if where else None)
    fit = Fit(unit=unit, profile=profile, open_referrals=open_referrals, distance_m=distance)
    name = unit.call_sign
    if profile is None:
        fit.reasons.append({"code": "no_profile", "message": _(
            "%(unit)s has no service profile yet.") % {"unit": name}})
        return fit
    if not profile.available:
        fit.reasons.append({"code": "unavailable", "message": _(
            "%(unit)s is not available.") % {"unit": name}})
    if not open_now(profile, now):
        fit.reasons.append({"code": "closed", "message": _(
            "%(unit)s is closed now (hours: %(hours)s).")
            % {"unit": name, "hours": hours.describe(profile.opening_hours)}})
    if not covers(profile, case):
        fit.reasons.append({"code": "out_of_area", "message": _(
            "%(place)s is outside the area of %(unit)s.")
            % {"place": case.municipality or _("The patient's position"), "unit": name}})
    if open_referrals >= profile.capacity:
        fit.reasons.append({"code": "full", "message": _(
            "%(unit)s is full (%(open)s of %(capacity)s referrals open).")
            % {"unit": name, "open": open_referrals, "capacity": profile.capacity}})
    missing = [s for s in skills if s not in profile.skills]
    if missing:
        fit.reasons.append({"code": "missing_skills", "message": _(
            "%(unit)s lacks %(skills)s.")
            % {"unit": name, "skills": ", ".join(skill_label(s) for s in missing)}})
    return fit


def proposals(*, case: Case, skills=(), now: datetime | None = None) -> list[Fit]:
    """Every mobile care unit against the case: those that fit first, by load then distance;
    then the others with their reasons."""
    now = now or timezone.now()
    units = list(Unit.objects.filter(kind=UnitKind.MOBILE_CARE).select_related("care_profile"))
    counts = open_counts(u.pk for u in units)
    fits = [unit_fit(u, getattr(u, "care_profile", None), case, skills=skills, now=now,
                     open_referrals=counts.get(u.pk, 0)) for u in units]
    far = float("inf")
    return sorted(fits, key=lambda f: (not f.selectable, f.load,
                                       f.distance_m if f.distance_m is not None else far,
                                       f.unit.call_sign))


def care_units() -> QuerySet[Unit]:
    return Unit.objects.filter(kind=UnitKind.MOBILE_CARE).select_related("care_profile")


def referrals_filtered(qs: QuerySet[Referral], *, case_id=None, state=None) -> QuerySet:
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state == "closed":
        qs = qs.filter(~Q(state__in=OPEN_STATES))
    elif state:
        qs = qs.filter(state=state)
    return qs
