"""The domain tables a screen's scripts read (the page's JSON script "tables", read by
frontend/src/js/tables.js), each built from its one home in a domain app, so no script keeps a
copy of a rule the server holds. A view names the tables its screen uses
(`page_context(tables=...)`); codes travel here, their labels with the strings
(frontend.strings)."""

from django.conf import settings

from dispatch.models import ACTIVE_STATUSES, PRIORITY_RANK, MassTriage, Priority, is_priority_one
from dispatch.statemachine import DISPATCHER_ONLY, STAGING_ORDERED, STATUS_RANK, next_step
from incidents.models import PledgeKind
from ivpa.models import ALERT_RANK, ENGAGED
from ivpa.selectors import coverage as ivpa_coverage
from places.search import QUERY_MIN_CHARS
from referrals.models import OPEN_STATES, Outcome
from referrals.news2 import chart_table
from referrals.services import AMBULANCE_PRIORITIES
from referrals.statemachine import MOVES, UNANSWERED
from safety.models import NoticeAction, NoticeCategory


def assignment_table() -> dict:
    """Assignment statuses (dispatch.statemachine): their order, by which a screen merges views
    of an assignment that cross (a higher rank is newer); the active ones; the crew's next step
    from each, and instead while a staging point is ordered and not released (`staging_step`;
    a status missing there waits); and from which the dispatcher may still cancel or redirect."""
    return {
        "rank": dict(STATUS_RANK),
        "active": [status.value for status in ACTIVE_STATUSES],
        "next_step": {status: str(step) for status in STATUS_RANK
                      if (step := next_step(status))},
        "staging_step": {status: str(step) for status in STATUS_RANK
                         if (step := next_step(status, staging=STAGING_ORDERED))},
        "dispatcher_only": {status.value: [move.value for move in moves]
                            for status, moves in DISPATCHER_ONLY.items()},
    }


def priority_table() -> dict:
    """Priorities, most urgent first (dispatch.models.PRIORITY_RANK), and which are priority 1."""
    return {
        "rank": dict(PRIORITY_RANK),
        "priority_one": [p for p in Priority.values if is_priority_one(p)],
    }


def alert_table() -> dict:
    """First-responder alerts (ivpa.models): their order, by which a fetched view never moves an
    alert back, and the statuses of a responder on the way or there."""
    return {"rank": {status.value: rank for status, rank in ALERT_RANK.items()},
            "engaged": [status.value for status in ENGAGED]}


def ivpa_table() -> dict:
    """What first responders may be alerted for (ivpa.selectors.coverage: the priorities, and
    the case types of the connected municipalities): the console shows its IVPA panel for a
    case these cover, the others have it one click away."""
    return ivpa_coverage()


def referral_table() -> dict:
    """Referrals to a mobile care unit (referrals.models, referrals.statemachine): the open
    states (sent or accepted: the patient is between the centre and the unit), those still
    waiting for the unit's answer, the outcomes of a visit in order, and the priorities a
    "needs ambulance" outcome may ask for with the centre's default, and the priorities at
    which a case may be referred."""
    return {
        "open": [state.value for state in OPEN_STATES],
        "unanswered": [str(state) for state in UNANSWERED],
        "withdraw_reason_from": [str(state) for state in MOVES["withdraw"].reason_from],
        "outcomes": list(Outcome.values),
        "ambulance": {"priorities": [p.value for p in AMBULANCE_PRIORITIES],
                      "default": settings.REFERRAL_AMBULANCE_DEFAULT_PRIORITY},
        # The priorities at which a case may be referred (referral_send refuses the others).
        "priorities": list(settings.REFERRAL_PRIORITIES),
    }


def places_table() -> dict:
    """The address search (places.search): how many letters or digits a query needs before the
    server searches (fewer find nothing, so a screen does not ask)."""
    return {"query_min_chars": QUERY_MIN_CHARS}


def panic_table() -> dict:
    """The panic alarm on a field screen (settings PANIC_*): how long the button is held, how
    often the position is sent while the alarm is open, and the centre's SMS number offered
    while the device is offline."""
    return {"hold_ms": settings.PANIC_HOLD_MS,
            "position_seconds": settings.PANIC_POSITION_SECONDS,
            "sms_number": settings.PANIC_SMS_NUMBER}


def safety_table() -> dict:
    """Risk notices (safety.models, settings SAFETY_NOTICE_*): the categories and recommended
    actions in order (their words come with the strings), a new notice's default validity and
    review time in days, and the largest radius."""
    return {"categories": list(NoticeCategory.values), "actions": list(NoticeAction.values),
            "default_days": settings.SAFETY_NOTICE_DEFAULT_DAYS,
            "review_days": settings.SAFETY_NOTICE_REVIEW_DAYS,
            "max_radius_m": settings.SAFETY_NOTICE_MAX_RADIUS_M}


def incident_table() -> dict:
    """Major incidents on the console (dispatch.models.MassTriage, incidents.models,
    settings.INCIDENT_PLEDGE_MINIMUM): the mass-casualty triage categories a case may get while
    the mode holds, the kinds a region may pledge, and the pledges each region owes. Their words
    come with the strings (console.incident)."""
    return {"mass_triage": list(MassTriage.values), "pledge_kinds": list(PledgeKind.values),
            "pledge_minimum": settings.INCIDENT_PLEDGE_MINIMUM}


TABLES = {
    "incident": incident_table,
    "assignment": assignment_table,
    "priority": priority_table,
    "alert": alert_table,
    "ivpa": ivpa_table,
    "referral": referral_table,
    "places": places_table,
    "safety": safety_table,
    "panic": panic_table,
    "news2": chart_table,  # referrals/news2.py: the NEWS2 chart and the vital signs' ranges
}


def page_tables(names) -> dict:
    return {name: TABLES[name]() for name in names}
