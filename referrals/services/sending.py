"""Sending a referral (*remiss*): the dispatcher refers a case's patient to a mobile care
unit that fits it (area, hours, skills, a free place)."""

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Invalid
from crews.models import Unit, UnitKind
from dispatch.models import Case, CaseStatus, Priority

from .. import selectors
from ..events import publish_referral
from ..handover import callback_normalise, deadline_check, handover_clean
from ..models import MobileCareProfile, Referral
from ..statemachine import MOVES, responsible_after
from .claims import transition_record
from .deadlines import referral_timers_schedule
from .profiles import profile_of


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
    if case.priority not in settings.REFERRAL_PRIORITIES:
        raise Conflict(_("A case at priority %(priority)s is not referred to a mobile care unit; "
                         "only %(allowed)s are. Change the case's priority first.")
                       % {"priority": case.get_priority_display(),
                          "allowed": ", ".join(str(Priority(p).label)
                                               for p in settings.REFERRAL_PRIORITIES)})
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
    transition_record(referral, from_state="", by=by, at=now, note=_("Sent to %(unit)s")
                      % {"unit": unit.call_sign})
    referral_timers_schedule(referral, now=now, deadline=deadline)
    referral = selectors.referral_queryset().get(pk=referral.pk)
    publish_referral(referral, "referral.created")
    return referral
