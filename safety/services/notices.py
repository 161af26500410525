"""Risk notices (*skyddsinformation*): entered by a dispatcher or proposed by a crew report or a
partner, changed, reviewed and withdrawn. Their matches with cases: services/matches.py."""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Invalid
from core.identity_numbers import pin_checksum_ok, pin_is_valid, pin_key
from crews.models import Region
from dispatch.models import Case
from dispatch.streams import DISPATCH_STREAM
from places.models import Address
from places.selectors import municipality_find
from realtime.services import event_publish

from ..models import (
    NoticeAction,
    NoticeCategory,
    NoticeSource,
    NoticeState,
    RiskNotice,
)
from ..serializers.notices import notice_data
from .matches import case_match, notice_match_open_cases, notice_withdrawn_send
from .matching import address_key


def _invalid(field: str, message: str, *, words: str = "") -> Invalid:
    """A refusal that names its field twice: in `detail` (for a program and the log) and in
    `errors` {field: [words]} for the form, which shows them by that field without the code."""
    words = words or re.sub(rf"\s*\({re.escape(field)}\)", "", message)
    return Invalid(message, errors={field: [words]})


def _choice(choices, value: str, *, what: str, name: str) -> str:
    """The form's field is told to choose, in words; the codes are for `detail` only."""
    words = _("Choose %(what)s: %(labels)s.") % {
        "what": what, "labels": ", ".join(str(label) for label in choices.labels)}
    if not value:
        raise _invalid(name, _("Choose %(what)s (%(name)s): %(values)s.") % {
            "what": what, "name": name, "values": ", ".join(choices.values)}, words=words)
    if value not in choices.values:
        raise _invalid(name, _("Unknown %(name)s “%(value)s”: use one of %(values)s.") % {
            "name": name, "value": value, "values": ", ".join(choices.values)}, words=words)
    return value


def _valid_until(value: datetime | None, now: datetime) -> datetime:
    if value is None:
        raise _invalid("valid_until", _(
            "Say until when the notice holds (valid_until), e.g. a year from today; after it "
            "the notice stops matching."))
    if value <= now:
        raise _invalid("valid_until", _("valid_until is in the past: give a time after now."),
                       words=_("This time has passed: give a time after now."))
    return value


def _radius(value: int) -> int:
    most = settings.SAFETY_NOTICE_MAX_RADIUS_M
    if value < 0 or value > most:
        raise _invalid("radius_m", _(
            "The radius is at most %(most)s metres (radius_m); 0 ties the notice to the "
            "address only.") % {"most": most})
    return value


def _person(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if not pin_is_valid(value) or not pin_checksum_ok(value):
        raise _invalid("personal_identity_number", _(
            "Give the personal identity number as YYYYMMDD-NNNN (its check digit must "
            "match)."))
    return pin_key(value)


def _region(*, region, address_ref: Address | None, address: str, case: Case | None) -> Region:
    """The notice's region: as given, else the address's municipality's, else the case's."""
    if isinstance(region, Region):
        return region
    if region:
        found = Region.objects.filter(pk=region).first()
        if found is None:
            raise _invalid("region", _("No such region (region)."))
        return found
    if address_ref is not None:
        return address_ref.municipality.region
    town = address.split(",")[-1].strip() if "," in address else ""
    municipality = municipality_find(name=town) if town else None
    if municipality is not None:
        return municipality.region
    if case is not None:
        return case.region
    raise _invalid("region", _(
        "Say whose notice it is (region): the address names no municipality we know."))


def _publish_notice(notice: RiskNotice) -> None:
    if notice.state == NoticeState.PROPOSED:
        event_publish(stream=DISPATCH_STREAM, type="safety.notice_proposed",
                      data={"notice": notice_data(notice)})


@transaction.atomic
def notice_create(*, address: str = "", address_id: int | None = None,
                  latitude: float, longitude: float, radius_m: int = 0,
                  personal_identity_number: str = "", category: str, action: str,
                  valid_until: datetime | None, review_at=None, background: str = "",
                  shareable: bool = False, region=None, source: str = "",
                  source_partner=None, case: Case | int | None = None,
                  state: str = NoticeState.ACTIVE, by) -> RiskNotice:
    """Enter a notice (*registrera skyddsinformation*). Active at once when a dispatcher,
    the manager or an administrator enters it; a crew report's or a partner's is `proposed`
    and matches nothing until reviewed. Given a case, it is matched with that case at once."""
    now = timezone.now()
    category = _choice(NoticeCategory, category, what=_("the risk"), name="category")
    action = _choice(NoticeAction, action, what=_("what the crew should do"), name="action")
    valid_until = _valid_until(valid_until, now)
    source = _choice(NoticeSource, source or NoticeSource.DISPATCHER, what=_("the source"),
                     name="source")
    address = (address or "").strip()
    address_ref = None
    if address_id:
        address_ref = Address.objects.select_related("municipality__region").filter(
            pk=address_id).first()
        if address_ref is None:
            raise _invalid("address_id", _("No such address in the register (address_id)."))
    if case is not None and not isinstance(case, Case):
        case = Case.objects.select_related("region").filter(pk=case).first()
        if case is None:
            raise _invalid("case", _("No such case (case)."))
    person = _person(personal_identity_number)
    if not address and not person:
        raise _invalid("address", _(
            "Say where or whom the notice is about: an address, or a personal identity "
            "number."))
    notice = RiskNotice.objects.create(
        region=_region(region=region, address_ref=address_ref, address=address, case=case),
        address=address, address_ref=address_ref, address_key=address_key(address),
        latitude=latitude, longitude=longitude, radius_m=_radius(radius_m), person_key=person,
        category=category, action=action, source=source, source_partner=source_partner,
        background=(background or "").strip(), shareable=shareable, state=state,
        valid_from=now, valid_until=valid_until,
        review_at=review_at or (now + timedelta(days=settings.SAFETY_NOTICE_REVIEW_DAYS)
                                ).date(),
        entered_by=by, entered_at=now, changed_at=now)
    notice = notice_fresh(notice.pk)
    _publish_notice(notice)
    if case is not None and notice.state == NoticeState.ACTIVE:
        case_match(case=case)
    notice_match_open_cases(notice=notice)
    return notice


def notice_fresh(pk: int) -> RiskNotice:
    return RiskNotice.objects.select_related(
        "region", "entered_by", "reviewed_by", "source_partner").get(pk=pk)


# A change of one of these may make the notice match other open cases.
PLACE_OR_PERSON = frozenset({"address", "latitude", "longitude", "radius_m", "person_key"})
UPDATABLE = frozenset({"address", "latitude", "longitude", "radius_m",
                       "personal_identity_number", "category", "action", "valid_until",
                       "review_at", "background", "shareable"})


@transaction.atomic
def notice_update(*, notice: RiskNotice, version: int, by, **fields) -> RiskNotice:
    """Change a notice made on `version`; an older version is refused (409) so that nothing
    someone else wrote meanwhile is lost. A withdrawn or rejected notice stays as it was."""
    unknown = sorted(set(fields) - UPDATABLE)
    if unknown:
        raise Invalid(_("The field “%(field)s” cannot be changed.") % {"field": unknown[0]})
    if notice.state in (NoticeState.WITHDRAWN, NoticeState.REJECTED):
        raise Conflict(_("The notice is %(state)s: it can no longer be changed.") % {
            "state": notice.get_state_display().lower()})
    changes: dict = {}
    for name, value in fields.items():
        if name == "category":
            value = _choice(NoticeCategory, value, what=_("the risk"), name="category")
        elif name == "action":
            value = _choice(NoticeAction, value, what=_("what the crew should do"),
                            name="action")
        elif name == "valid_until":
            value = _valid_until(value, timezone.now())
        elif name == "radius_m":
            value = _radius(value)
        elif name == "personal_identity_number":
            name, value = "person_key", _person(value)
        elif name == "address":
            value = (value or "").strip()
            changes["address_key"] = address_key(value)
        elif name == "background":
            value = (value or "").strip()
        changes[name] = value
    if not (changes.get("address", notice.address) or changes.get("person_key",
                                                                  notice.person_key)):
        raise _invalid("address", _(
            "Say where or whom the notice is about: an address, or a personal identity "
            "number."))
    claimed = RiskNotice.objects.filter(pk=notice.pk, version=version).update(
        **changes, version=F("version") + 1, changed_at=timezone.now())
    if not claimed:
        raise Conflict(_("Someone else changed the notice while you were editing it. Its "
                         "current values are shown: check them and make your change again."),
                       notice=notice_data(notice_fresh(notice.pk)))
    notice = notice_fresh(notice.pk)
    if changes.keys() & PLACE_OR_PERSON:
        notice_match_open_cases(notice=notice)
    return notice


@transaction.atomic
def notice_review(*, notice: RiskNotice, decision: str, note: str = "", by) -> RiskNotice:
    """Approve or reject a proposed notice (*granska*): approved, it matches from now on."""
    state = {"approve": NoticeState.ACTIVE, "reject": NoticeState.REJECTED}.get(decision)
    if state is None:
        raise Invalid(_("The decision is approve or reject."))
    now = timezone.now()
    claimed = RiskNotice.objects.filter(pk=notice.pk, state=NoticeState.PROPOSED).update(
        state=state, reviewed_by=by, reviewed_at=now, review_note=note[:200],
        version=F("version") + 1, changed_at=now)
    if not claimed:
        current = notice_fresh(notice.pk)
        raise Conflict(_("The notice is no longer awaiting review: it is %(state)s.") % {
            "state": current.get_state_display().lower()}, notice=notice_data(current))
    notice = notice_fresh(notice.pk)
    notice_match_open_cases(notice=notice)
    return notice


@transaction.atomic
def notice_withdraw(*, notice: RiskNotice, reason: str, by) -> RiskNotice:
    """Withdraw a notice (*återkalla*): it stops matching and stays in the record; the crews
    at the open cases it was applied to are told it no longer applies."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why the notice is withdrawn (reason)."))
    claimed = RiskNotice.objects.filter(
        pk=notice.pk, state__in=[NoticeState.ACTIVE, NoticeState.PROPOSED]).update(
        state=NoticeState.WITHDRAWN, review_note=_("Withdrawn: %(reason)s") % {
            "reason": reason[:180]}, version=F("version") + 1, changed_at=timezone.now())
    if not claimed:
        raise Conflict(_("The notice is already withdrawn or rejected."))
    notice_withdrawn_send(notice=notice)
    return notice_fresh(notice.pk)
