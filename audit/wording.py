"""The access log in words, for the patient's log extract (*loggutdrag*): what a row's action,
record and reason mean to a person who is not a developer. The log stores short English
codes and reasons (they are for searching and for integrations); the extract shows them in
the reader's language (Swedish by default). A reason this table does not know is shown as
recorded, so nothing is hidden from the patient."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role

from .models import AccessAction, AccessLogEntry

ACTIONS = {
    AccessAction.READ: gettext_lazy("Read"),
    AccessAction.CREATE: gettext_lazy("Registered"),
    AccessAction.UPDATE: gettext_lazy("Changed"),
    AccessAction.EXPORT: gettext_lazy("Exported"),
}

# (object_type, object_id or "") -> the record, as the object of a sentence.
RECORDS = {
    ("case", ""): gettext_lazy("the case at the dispatch centre"),
    ("caller_image", ""): gettext_lazy("a picture sent by the caller"),
    ("image_link", ""): gettext_lazy("the picture link texted to the caller"),
    ("referral", ""): gettext_lazy("the referral to a mobile care unit"),
    ("access_log", "extract"): gettext_lazy("this log extract"),
    ("access_log", "search"): gettext_lazy("the access log, in a search"),
    ("access_log", "admin"): gettext_lazy("the access log, in the administration"),
    ("admin_search", ""): gettext_lazy("a search for the personal identity number"),
}
SOME_RECORD = gettext_lazy("the patient's data")

# The reasons the product records (the views' `reason=`), in words.
REASONS = {
    "dispatch console list": gettext_lazy("Open cases shown on the dispatch console"),
    "case registered": gettext_lazy("The dispatcher registered the case"),
    "case registered from a referral": gettext_lazy(
        "A new case was registered from a mobile care unit's visit"),
    "case opened": gettext_lazy("The case was opened"),
    "case updated": gettext_lazy("The case was changed"),
    "case closed": gettext_lazy("The case was closed"),
    "units dispatched": gettext_lazy("Ambulances were sent"),
    "assignment list": gettext_lazy("The ambulance crew's assignment list"),
    "assignment opened": gettext_lazy("The ambulance crew opened the assignment"),
    "assignment acknowledged": gettext_lazy("The ambulance crew acknowledged the assignment"),
    "assignment status changed": gettext_lazy("The ambulance crew reported its status"),
    "assignment status": gettext_lazy("The ambulance crew reported its status"),
    "assignment destination set": gettext_lazy("The hospital the patient is taken to was set"),
    "assignment destination": gettext_lazy("The hospital the patient is taken to was set"),
    "unit redirected": gettext_lazy("An ambulance was redirected"),
    "staging point ordered": gettext_lazy(
        "The dispatcher told the ambulance crew to wait for the police at a staging point"),
    "staging point released": gettext_lazy(
        "The dispatcher let the ambulance crew in from the staging point"),
    "IVPA alert list": gettext_lazy("A first responder's alerts"),
    "IVPA alert shown": gettext_lazy("A first responder was alerted"),
    "IVPA alert opened": gettext_lazy("A first responder opened the alert"),
    "IVPA alert accepted": gettext_lazy("A first responder accepted the alert"),
    "IVPA alert declined": gettext_lazy("A first responder declined the alert"),
    "IVPA arrival": gettext_lazy("A first responder arrived"),
    "IVPA callouts": gettext_lazy("First responders called out for the case"),
    "IVPA callout started": gettext_lazy("First responders were called out"),
    "IVPA callout cancelled": gettext_lazy("The first responders' callout was ended"),
    "IVPA outcome recorded": gettext_lazy("A first responder reported what was done"),
    "caller images listed": gettext_lazy("The caller's pictures were listed"),
    "caller images of the assignment listed": gettext_lazy(
        "The ambulance crew saw the pictures forwarded to them"),
    "caller image opened": gettext_lazy("A picture from the caller was opened"),
    "caller image assessed": gettext_lazy("The dispatcher assessed a picture from the caller"),
    "caller image forwarded": gettext_lazy("A picture was forwarded to the ambulance crew"),
    "caller image forwarded to the crew": gettext_lazy(
        "A picture was forwarded to the ambulance crew"),
    "image links listed": gettext_lazy("The picture links sent to the caller were listed"),
    "image link sent by SMS": gettext_lazy("A picture link was texted to the caller"),
    "image link revoked": gettext_lazy("A picture link was withdrawn"),
    "referral list": gettext_lazy("A mobile care unit's referrals"),
    "referral opened": gettext_lazy("A referral was opened"),
    "referral sent": gettext_lazy("The patient was referred to a mobile care unit"),
    "referral accepted": gettext_lazy("The mobile care unit accepted the referral"),
    "referral declined": gettext_lazy("The mobile care unit declined the referral"),
    "referral withdrawn": gettext_lazy("The referral was withdrawn"),
    "referral visit recorded": gettext_lazy("The mobile care unit recorded its visit"),
    "referral summary printed": gettext_lazy("The referral was printed"),
    "referral proposals": gettext_lazy("Mobile care units were proposed for the case"),
    "case referrals": gettext_lazy("The case's referrals"),
    "listed in the admin": gettext_lazy("Listed by an administrator"),
    "opened in the admin": gettext_lazy("Opened by an administrator"),
    "looked up in the admin": gettext_lazy("Looked up by an administrator"),
    "access log searched": gettext_lazy("An administrator searched the access log"),
    "patient log extract": gettext_lazy("A log extract for the patient"),
    "patient log extract printed": gettext_lazy("A log extract for the patient"),
}
REPLAY = " (replay)"


@dataclass(frozen=True)
class ExtractLine:
    """One row of the extract in words."""

    at: datetime
    who: str
    role: str
    what: str
    case_ref: str
    why: str
    care_unit: str


def role_words(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role


def reason_words(reason: str) -> str:
    """The recorded reason in words; a device's resent request (replay) says so."""
    replay = reason.endswith(REPLAY)
    base = reason[: -len(REPLAY)] if replay else reason
    words = REASONS.get(base)
    if words is None:
        return reason
    return _("%(reason)s (sent again by the device)") % {"reason": words} if replay else str(words)


def record_words(entry: AccessLogEntry) -> str:
    words = (RECORDS.get((entry.object_type, entry.object_id))
             or RECORDS.get((entry.object_type, "")) or SOME_RECORD)
    return str(words)


def extract_line(entry: AccessLogEntry) -> ExtractLine:
    """One log row as the patient reads it, in the active language."""
    user = entry.user
    name = (user.get_full_name() if user is not None else "") or entry.username
    action = ACTIONS.get(entry.action, entry.action)
    return ExtractLine(
        at=entry.at, who=name, role=role_words(entry.role),
        what=_("%(action)s %(record)s") % {"action": action, "record": record_words(entry)},
        case_ref=entry.case_ref, why=reason_words(entry.reason), care_unit=entry.care_unit)
