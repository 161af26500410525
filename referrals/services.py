"""Actions on referrals and on mobile care units' profiles.

Every move of a referral is one conditional UPDATE on its state (`WHERE state = <expected>`)
checked for exactly one row: two staff members accepting at once, or an acceptance racing the
dispatcher's withdrawal, cannot both win, and the loser is told who did. Each move writes a
ReferralTransition and publishes an event in the same transaction.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import hours
from core.errors import Conflict, Forbidden, Invalid
from core.times import CLOCK_SKEW
from crews.models import Unit, UnitKind
from dispatch.models import Case, CaseStatus, Priority
from dispatch.services import case_register
from realtime.services import events_publish
from timers.services import timer_cancel, timer_schedule

from . import selectors
from .events import publish_referral
from .handover import callback_normalise, deadline_check, handover_clean
from .models import (
    OPEN_STATES,
    MobileCareProfile,
    Outcome,
    Referral,
    ReferralState,
    ReferralTransition,
)
from .statemachine import MOVES, UNANSWERED, responsible_after, sources

ACCEPT_TIMER = "referrals.accept_overdue"
DEADLINE_TIMER = "referrals.deadline"
AMBULANCE_PRIORITIES = (Priority.P1A, Priority.P1B, Priority.P2A, Priority.P2B, Priority.P3)


def _hhmm(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M") if value else "?"


# --- the units' profiles -------------------------------------------------------------------


def profile_of(unit: Unit) -> MobileCareProfile:
    if unit.kind != UnitKind.MOBILE_CARE:
        raise Conflict(_("%(unit)s is not a mobile care unit.") % {"unit": unit.call_sign})
    profile, _created = MobileCareProfile.objects.get_or_create(unit=unit)
    return profile


def _profile_event(profile: MobileCareProfile) -> dict:
    from .serializers import ProfileSerializer

    return ProfileSerializer(profile).data


PROFILE_FIELDS = ("available", "municipalities", "centre_latitude", "centre_longitude",
                  "radius_km", "opening_hours", "skills", "capacity")


@transaction.atomic
def profile_update(*, unit: Unit, by, **fields) -> MobileCareProfile:
    """The unit's staff set what the unit offers now; refused as a whole when a value is
    wrong. Dispatchers hear it (their proposals change)."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise Invalid(_("Unknown profile field %(name)s.") % {"name": sorted(unknown)[0]})
    profile_of(unit)
    profile = MobileCareProfile.objects.select_for_update().get(unit=unit)
    now = timezone.now()
    if "opening_hours" in fields:
        text = (fields["opening_hours"] or "").strip() or "24/7"
        try:
            hours.parse(text)
        except hours.HoursError as exc:
            raise Invalid(_("Opening hours: %(error)s. Write e.g. 'Mo-Fr 07:00-18:00; Sa,Su "
                            "09:00-15:00' or '24/7'.") % {"error": exc},
                          field="opening_hours") from None
        fields["opening_hours"] = text
    if "skills" in fields:
        skills = list(dict.fromkeys(fields["skills"]))
        unknown_skills = [s for s in skills if s not in settings.REFERRAL_SKILLS]
        if unknown_skills:
            raise Invalid(_("Unknown skill %(skill)s; use %(skills)s.")
                          % {"skill": unknown_skills[0],
                             "skills": ", ".join(settings.REFERRAL_SKILLS)}, field="skills")
        fields["skills"] = skills
    if "municipalities" in fields:
        names = [str(m).strip() for m in fields["municipalities"] if str(m).strip()]
        fields["municipalities"] = list(dict.fromkeys(names))
    if "capacity" in fields and not 0 <= int(fields["capacity"]) <= 50:
        raise Invalid(_("The capacity is 0 to 50 open referrals."), field="capacity")
    if "available" in fields and fields["available"] != profile.available:
        profile.available_changed_at = now
    for name, value in fields.items():
        setattr(profile, name, value)
    centre = (profile.centre_latitude, profile.centre_longitude, profile.radius_km)
    if any(v is None for v in centre) and any(v is not None for v in centre):
        raise Invalid(_("Give the area's centre point (latitude, longitude) and radius in km "
                        "together, or none of them."), field="radius_km")
    if profile.radius_km is not None and not 0.5 <= profile.radius_km <= 300:
        raise Invalid(_("The radius is 0.5 to 300 km."), field="radius_km")
    if profile.centre_latitude is not None and not (
            -90 <= profile.centre_latitude <= 90 and -180 <= profile.centre_longitude <= 180):
        raise Invalid(_("Latitude must be within -90..90 and longitude within -180..180."),
                      field="centre_latitude")
    profile.updated_at, profile.updated_by = now, by
    profile.save()
    from crews.streams import unit_stream
    from dispatch.streams import DISPATCH_STREAM

    data = _profile_event(profile)
    events_publish(events=[(unit_stream(unit.pk), "care_unit.updated", data),
                           (DISPATCH_STREAM, "care_unit.updated", data)])
    return profile


# --- the life cycle ------------------------------------------------------------------------


def _transition(referral: Referral, *, from_state: str, by, at: datetime, note: str = "",
                ) -> ReferralTransition:
    return ReferralTransition.objects.create(
        referral=referral, from_state=from_state, to_state=referral.state, at=at,
        by=by if getattr(by, "pk", None) else None, responsible_after=referral.responsible,
        note=note[:300])


def _refused(referral: Referral, action: str) -> Conflict:
    """Why a move found the referral no longer where it expected it, saying who holds the
    patient now."""
    current = selectors.referral_queryset().get(pk=referral.pk)
    state, unit = current.state, current.unit.call_sign
    if state == ReferralState.WITHDRAWN:
        message = _("The dispatch centre withdrew this referral at %(time)s; the centre is "
                    "responsible for the patient.") % {"time": _hhmm(current.withdrawn_at)}
    elif state == ReferralState.DECLINED:
        message = _("This referral was declined at %(time)s; the dispatch centre is "
                    "responsible for the patient.") % {"time": _hhmm(current.declined_at)}
    elif state == ReferralState.ACCEPTED:
        message = _("This referral was already accepted at %(time)s by %(name)s; %(unit)s is "
                    "responsible for the patient.") % {
            "time": _hhmm(current.accepted_at), "name": current.accepted_by or unit,
            "unit": unit}
    elif state == ReferralState.VISITED:
        message = _("The visit was already recorded at %(time)s (%(outcome)s).") % {
            "time": _hhmm(current.visited_at),
            "outcome": current.get_outcome_display().lower()}
    else:
        message = _("The referral has not been accepted yet; accept it before you %(action)s.") \
            % {"action": action}
    return Conflict(message, state=state, responsible=current.responsible)


def _lock_case(case_id: int) -> None:
    """Every move of a referral locks its case's row first, as the dispatcher's actions on
    the case do (closing it withdraws its referral): one order, case → referral → event
    streams, so a move racing the close waits for it instead of deadlocking with it."""
    list(Case.objects.select_for_update().filter(pk=case_id).values_list("pk", flat=True))


def _claim(referral: Referral, action: str, *, expected: Sequence[str] | None = None,
           outcome: str | None = None, **changes) -> Referral:
    """Make a move of the state machine with one conditional UPDATE from its source states
    (or `expected`, a part of them) to its target; exactly one row or a 409."""
    move = MOVES[action]
    if outcome is not None:
        changes["outcome"] = outcome  # decides who is responsible after, and is recorded
    _lock_case(referral.case_id)
    claimed = Referral.objects.filter(
        pk=referral.pk, state__in=list(sources(action) if expected is None else expected)).update(
        state=move.target, responsible=responsible_after(action, outcome=outcome), **changes)
    if claimed != 1:
        raise _refused(referral, move.verb)
    return selectors.referral_queryset().get(pk=referral.pk)


def _staff_check(referral: Referral, by) -> None:
    if not selectors.is_staff_of(by, referral.unit_id):
        raise Forbidden(_("Only the staff of %(unit)s answer this referral.")
                        % {"unit": referral.unit.call_sign})


@transaction.atomic
def referral_send(
    *, case: Case, unit: Unit, by, line: str, deadline: datetime | None, callback_number,
    handover: dict, skills: Sequence[str] = (),
) -> Referral:
    """The dispatcher refers a case's patient to a mobile care unit. The centre stays
    responsible until the unit accepts; a stored timer alerts the dispatcher if nobody
    accepts in time."""
    now = timezone.now()
    if line not in ("warm", "cold"):
        raise Invalid(_("line is warm (red line: you stay on and conference the unit in) or "
                        "cold (yellow line: passed on)."), field="line")
    callback = callback_normalise(callback_number)
    deadline = deadline_check(deadline, now=now)
    fields, score = handover_clean(handover or {})
    unknown = [s for s in skills if s not in settings.REFERRAL_SKILLS]
    if unknown:
        raise Invalid(_("Unknown skill %(skill)s; use %(skills)s.")
                      % {"skill": unknown[0], "skills": ", ".join(settings.REFERRAL_SKILLS)},
                      field="skills")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("The case is closed."))
    current = selectors.open_referral(case)
    if current is not None:
        raise Conflict(_("The case already has an open referral to %(unit)s (%(state)s); "
                         "withdraw it before referring the patient elsewhere.")
                       % {"unit": current.unit.call_sign,
                          "state": current.get_state_display().lower()},
                       referral=current.pk)
    if unit.kind != UnitKind.MOBILE_CARE:
        raise Conflict(_("%(unit)s is not a mobile care unit.") % {"unit": unit.call_sign})
    profile_of(unit)
    # The profile's row is the unit's lock: two referrals to its last free place queue here.
    profile = MobileCareProfile.objects.select_for_update().get(unit=unit)
    fit = selectors.unit_fit(unit, profile, case, skills=list(skills), now=now,
                             open_referrals=selectors.open_counts([unit.pk]).get(unit.pk, 0))
    if not fit.selectable:
        raise Conflict(fit.message(), reasons=[r["code"] for r in fit.reasons])
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                case=case, unit=unit, state=MOVES["send"].target,
                responsible=responsible_after("send"),
                line=line, skills=list(dict.fromkeys(skills)), deadline=deadline,
                callback_number=callback, sent_at=now, sent_by=by, state_changed_at=now,
                news2_score=score.score if score.points else None,
                news2_complete=score.complete, news2_single_three=score.single_three,
                **fields)
    except IntegrityError:
        raise Conflict(_("The case already has an open referral; withdraw it first.")) from None
    _transition(referral, from_state="", by=by, at=now, note=_("Sent to %(unit)s")
                % {"unit": unit.call_sign})
    timer_schedule(kind=ACCEPT_TIMER, key=str(referral.pk),
                   due_at=now + timedelta(seconds=settings.REFERRAL_ACCEPT_SECONDS))
    timer_schedule(kind=DEADLINE_TIMER, key=str(referral.pk), due_at=deadline)
    referral = selectors.referral_queryset().get(pk=referral.pk)
    publish_referral(referral, "referral.created")
    return referral


@transaction.atomic
def referral_accept(*, referral: Referral, by, expected_visit_at: datetime | None = None,
                    ) -> Referral:
    """The unit takes the patient: from now on it is responsible."""
    _staff_check(referral, by)
    now = timezone.now()
    if expected_visit_at is None:
        raise Invalid(_("Give the time you expect to visit the patient (expected_visit_at)."),
                      field="expected_visit_at")
    if expected_visit_at < now - CLOCK_SKEW:
        raise Invalid(_("The expected visit time has already passed; give when you will be "
                        "there."), field="expected_visit_at")
    if expected_visit_at > referral.deadline:
        raise Invalid(_("You expect to visit at %(visit)s, after the latest time the patient "
                        "must be seen (%(deadline)s). Decline instead, so the centre can find "
                        "another unit.") % {"visit": _hhmm(expected_visit_at),
                                            "deadline": _hhmm(referral.deadline)},
                      field="expected_visit_at")
    referral = _claim(referral, "accept", accepted_at=now, accepted_by=by,
                      expected_visit_at=expected_visit_at, state_changed_at=now)
    _transition(referral, from_state=MOVES["accept"].source, by=by, at=now,
                note=_("Visit expected at %(time)s") % {"time": _hhmm(expected_visit_at)})
    timer_cancel(kind=ACCEPT_TIMER, key=str(referral.pk))
    publish_referral(referral, "referral.accepted")
    return referral


@transaction.atomic
def referral_decline(*, referral: Referral, by, reason: str = "") -> Referral:
    """The unit cannot take the patient; the centre stays responsible and finds another
    way."""
    _staff_check(referral, by)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Give the reason you decline, so the dispatcher can act on it."),
                      field="reason")
    now = timezone.now()
    referral = _claim(referral, "decline", declined_at=now, decline_reason=reason[:300],
                      state_changed_at=now)
    _transition(referral, from_state=MOVES["decline"].source, by=by, at=now, note=reason)
    _timers_cancel(referral)
    publish_referral(referral, "referral.declined")
    return referral


@transaction.atomic
def referral_withdraw(*, referral: Referral, by, reason: str = "",
                      only_unanswered: bool = False) -> Referral:
    """The dispatcher takes the referral back (another unit, an ambulance, the patient
    called again): the centre is responsible. After acceptance the unit must be told why.
    only_unanswered: withdraw it only while it is still sent (an acceptance that got in first
    wins, and this is refused with a 409)."""
    reason = (reason or "").strip()
    referral = Referral.objects.select_related("unit").get(pk=referral.pk)
    if referral.state in MOVES["withdraw"].reason_from and not reason:
        raise Invalid(_("%(unit)s has accepted the patient: give the reason you withdraw the "
                        "referral.") % {"unit": referral.unit.call_sign}, field="reason")
    now = timezone.now()
    was = referral.state
    # Only unanswered: from the states a withdrawal without a reason starts from (an
    # acceptance that got in first wins).
    expected = sources("withdraw", with_reason=bool(reason) and not only_unanswered)
    referral = _claim(referral, "withdraw", expected=expected, withdrawn_at=now,
                      withdraw_reason=reason[:300], state_changed_at=now)
    _transition(referral, from_state=was, by=by, at=now, note=reason)
    _timers_cancel(referral)
    publish_referral(referral, "referral.withdrawn")
    return referral


@transaction.atomic
def referral_mark_overdue(*, referral_id: int) -> Referral | None:
    """Fired by the stored timer: nobody accepted in time. The referral stays sent (the
    centre is responsible) and the dispatcher is alerted to pick another unit or send an
    ambulance."""
    case_id = Referral.objects.filter(pk=referral_id).values_list("case_id", flat=True).first()
    if case_id is None:
        return None
    _lock_case(case_id)
    now = timezone.now()
    marked = Referral.objects.filter(pk=referral_id, state__in=UNANSWERED,
                                     overdue=False).update(overdue=True, overdue_at=now)
    if marked != 1:
        return None
    referral = selectors.referral_queryset().get(pk=referral_id)
    _transition(referral, from_state=referral.state, by=None, at=now,
                note=_("Not accepted within %(minutes)s min: the dispatcher is alerted")
                % {"minutes": round(settings.REFERRAL_ACCEPT_SECONDS / 60)})
    publish_referral(referral, "referral.overdue")
    return referral


def _timers_cancel(referral: Referral) -> None:
    timer_cancel(kind=ACCEPT_TIMER, key=str(referral.pk))
    timer_cancel(kind=DEADLINE_TIMER, key=str(referral.pk))


@transaction.atomic
def referral_deadline_passed(*, referral_id: int) -> Referral | None:
    """Fired by the stored timer at the latest time to be seen: the patient is not seen yet
    (still sent, or accepted without a recorded visit). Both sides are alerted; whoever holds
    the patient stays responsible and must act."""
    case_id = Referral.objects.filter(pk=referral_id).values_list("case_id", flat=True).first()
    if case_id is None:
        return None
    _lock_case(case_id)
    referral = (Referral.objects.select_for_update().filter(
        pk=referral_id, state__in=OPEN_STATES).first())
    if referral is None:
        return None
    referral = selectors.referral_queryset().get(pk=referral_id)
    _transition(referral, from_state=referral.state, by=None, at=timezone.now(),
                note=_("The latest time to be seen passed without a recorded visit"))
    publish_referral(referral, "referral.deadline_passed")
    return referral


def _history(referral: Referral, note: str) -> str:
    """What the new case carries from the referral: the new triage both ways (seed 003)."""
    lines = [
        _("From referral %(id)s to %(unit)s (case %(case)s): the unit asks for an ambulance.")
        % {"id": referral.pk, "unit": referral.unit.call_sign, "case": referral.case.reference},
        _("Sent %(sent)s, accepted %(accepted)s, visited %(visited)s.")
        % {"sent": _hhmm(referral.sent_at), "accepted": _hhmm(referral.accepted_at),
           "visited": _hhmm(referral.visited_at)},
        _("Handover: %(reason)s") % {"reason": referral.reason},
    ]
    if referral.assessment:
        lines.append(_("Assessment: %(text)s") % {"text": referral.assessment})
    if referral.news2_score is not None:
        lines.append(_("NEWS2 at referral: %(score)s%(partial)s")
                     % {"score": referral.news2_score,
                        "partial": "" if referral.news2_complete else _(" (incomplete)")})
    if note:
        lines.append(_("The unit's assessment at the visit: %(note)s") % {"note": note})
    return "\n".join(lines)


@transaction.atomic
def referral_record_outcome(
    *, referral: Referral, by, outcome: str, note: str = "", referred_on_to: str = "",
    priority: str | None = None, complaint: str = "", visited_at: datetime | None = None,
) -> Referral:
    """The unit records the visit. 'Needs ambulance' registers a new case back at the centre
    with the referral's history, and the centre is responsible for it; otherwise the unit,
    the last to handle the patient, stays responsible for what it did."""
    _staff_check(referral, by)
    now = timezone.now()
    if outcome not in Outcome.values:
        raise Invalid(_("outcome is one of %(values)s.") % {"values": ", ".join(Outcome.values)},
                      field="outcome")
    note = (note or "").strip()
    referred_on_to = (referred_on_to or "").strip()
    if outcome == Outcome.REFERRED_ON and not referred_on_to:
        raise Invalid(_("Say to whom the patient was referred on (referred_on_to)."),
                      field="referred_on_to")
    priority = priority or settings.REFERRAL_AMBULANCE_DEFAULT_PRIORITY
    if outcome == Outcome.NEEDS_AMBULANCE and priority not in AMBULANCE_PRIORITIES:
        raise Invalid(_("priority is one of %(values)s.")
                      % {"values": ", ".join(AMBULANCE_PRIORITIES)}, field="priority")
    visited_at = visited_at or now
    if visited_at > now + CLOCK_SKEW:
        raise Invalid(_("The visit time is in the future; check the device's clock."),
                      field="visited_at")
    if referral.accepted_at and visited_at < referral.accepted_at:
        raise Invalid(_("The visit time is before the referral was accepted."),
                      field="visited_at")
    referral = _claim(referral, "outcome", outcome=outcome, visited_at=visited_at,
                      outcome_note=note[:2000], referred_on_to=referred_on_to[:200],
                      state_changed_at=now)
    transition_note = Outcome(outcome).label
    if outcome == Outcome.NEEDS_AMBULANCE:
        case = referral.case
        new_case = case_register(
            by=by, region=case.region, caller_number=referral.callback_number,
            address=case.address, latitude=case.latitude, longitude=case.longitude,
            municipality=case.municipality,
            complaint=(complaint.strip() or case.complaint)[:200],
            mbs_priority=priority, priority=priority, case_type=case.case_type,
            scene_flags=case.scene_flags or (), door_code=case.door_code,
            safety_warning=case.safety_warning,
            personal_identity_number=case.personal_identity_number,
            patient_name=case.patient_name, notes=_history(referral, note),
            referred_to="",
        )
        Referral.objects.filter(pk=referral.pk).update(new_case=new_case)
        referral.new_case = new_case
        transition_note = _("Needs an ambulance: new case %(case)s at priority %(priority)s") \
            % {"case": new_case.reference, "priority": priority}
    elif outcome == Outcome.REFERRED_ON:
        transition_note = _("Referred on to %(to)s") % {"to": referred_on_to}
    _transition(referral, from_state=MOVES["outcome"].source, by=by, at=now,
                note=transition_note)
    _timers_cancel(referral)
    referral = selectors.referral_queryset().get(pk=referral.pk)
    publish_referral(referral, "referral.visited")
    return referral


def referral_withdraw_for_closed_case(*, case: Case) -> Referral | None:
    """The dispatcher closed the case while a referral still waited for an answer: it is
    withdrawn, so the unit does not go to a patient the centre no longer holds. An accepted
    referral stays: the unit holds the patient, also when its acceptance lands between this
    look and the withdrawal (then the withdrawal is refused, not the acceptance undone)."""
    referral = Referral.objects.filter(case=case, state__in=UNANSWERED).first()
    if referral is None:
        return None
    return referral_withdraw(referral=referral, by=None, only_unanswered=True,
                             reason=_("The case was closed at the dispatch centre."))
