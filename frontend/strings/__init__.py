"""The strings a screen's scripts show (t('console.ivpa.start')), in the request's language, as
groups a screen asks for by name.

A group is a key path of what the scripts read: "status", "console", "console.ivpa", ... Each is
a function in the module of its screen area (common, console, crew, ivpa, mobile, referral,
responder) that returns its strings translated now. A screen's view names the groups its
scripts use (`page_context(strings=...)` in frontend.views) and the page carries those and no
others, so a new group reaches only the screens that ask for it; tests/frontend/test_pages.py
checks every key a screen's built script asks for against what that screen gets.
"""

from . import (
    assignment,
    case_edit,
    common,
    console,
    crew,
    feedback,
    followup,
    incidents,
    ivpa,
    mobile,
    panic,
    person,
    referral,
    responder,
    safety,
    staging,
    tib,
)

GROUPS = {
    "status": common.status,
    "kind": common.kind,
    "priority": common.priority,
    "conn": common.conn,
    "error": common.error,
    "time": common.time,
    "close": common.close,
    "offline": common.offline,
    "console": console.console,
    "console.ivpa": console.ivpa,
    "console.images": console.images,
    "console.referrals": console.referrals,
    "console.map": console.map_,
    "console.recommend": console.recommend,
    "console.panels": console.panels,
    "priority_short": common.priority_short,
    "ivpa": ivpa.ivpa,
    "referral": referral.referral,
    "crew": crew.crew,
    "crew.card": assignment.crew_card,
    "crew.messages": assignment.crew_messages,
    "console.messages": assignment.console_messages,
    "console.edit": case_edit.console_edit,
    "console.history": case_edit.console_history,
    "crew.changes": case_edit.crew_changes,
    "console.person": person.console_person,
    "console.feedback": feedback.console_feedback,
    "notices": common.notices,
    "crew.careplan": person.crew_careplan,
    "responder": responder.responder,
    "mobile": mobile.mobile,
    "panic": panic.panic,
    "console.panic": panic.console_panic,
    "followup": followup.followup,
    "console.safety": safety.console_safety,
    "crew.safety": safety.crew_safety,
    "crew.staging": staging.crew_staging,
    "console.staging": staging.console_staging,
    "tib": tib.tib,
    "console.incident": incidents.console_incident,
    "crew.incident": incidents.crew_incident,
}


def strings_for(groups) -> dict:
    """The named groups, nested by their key paths ("console.ivpa" under "console")."""
    out: dict = {}
    for name in sorted(groups, key=lambda g: g.count(".")):
        *parents, leaf = name.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = GROUPS[name]()
    return out
