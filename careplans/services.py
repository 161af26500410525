"""Actions that change care plans (*vårdplaner*). Each change is one transaction that also
tells the consoles and the crews on the person's active assignments (a `care_plan.changed`
event with the plan's id only: events carry no patient data); the view or admin that called
it records the access (careplans/access.py)."""

from collections.abc import Sequence
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Invalid
from core.identity_numbers import pin_is_valid, pin_key
from core.locks import advisory_xact_lock
from core.phones import PhoneNumberInvalid, phone_normalise
from crews.streams import unit_stream
from dispatch.models import ACTIVE_STATUSES
from dispatch.selectors import cases_of_person
from dispatch.streams import DISPATCH_STREAM
from realtime.services import events_publish

from .models import CarePlan, CarePlanPhone, CaseCaller, ConsentMethod
from .selectors import case_pks_by_caller, overlapping_plan

# The fields a change may set (PATCH, the admin); the phones are set as a list.
EDITABLE = (
    "personal_identity_number", "person_name", "care_unit", "valid_from", "valid_to",
    "review_date", "consent_recorded_by", "consent_recorded_at", "consent_method",
    "dispatcher_instructions", "contact", "crew_instructions",
)


class CarePlanChanged(Conflict):
    """A change made on an older version of the plan (409): the caller answers with the plan as
    it is now."""


def care_plan_changed_text() -> str:
    """The refusal of a change made on an older version, in the active language."""
    return _("Someone else changed this care plan meanwhile: read it again and make your "
             "change on what it says now.")


def care_plan_phones(numbers: Sequence[str]) -> list[str]:
    out: list[str] = []
    for typed in numbers:
        try:
            number = phone_normalise(typed)
        except PhoneNumberInvalid:
            raise Invalid(_("%(number)s is not a phone number: give it as the person calls "
                            "from it, e.g. 070-123 45 67 or +46701234567.")
                          % {"number": typed}) from None
        if number not in out:
            out.append(number)
    return out


def care_plan_check(values: dict, phones: list[str], *, exclude_pk: int | None = None) -> None:
    """The rules of a plan as a whole: whose (an identity number and/or a number), when
    (from ≤ review ≤ to), consent, instructions, and one plan in force per person."""
    pin = values["personal_identity_number"]
    if pin and not pin_is_valid(pin):
        raise Invalid(_("Give the personal identity number as YYYYMMDD-NNNN."))
    if not pin and not phones:
        raise Invalid(_("Name the person: a personal identity number, or the phone numbers "
                        "they call from (or both)."))
    if not values["care_unit"].strip():
        raise Invalid(_("Name the care unit that wrote the plan."))
    if not values["dispatcher_instructions"].strip():
        raise Invalid(_("Write the instructions for the dispatcher: whom to call, what to "
                        "send or not to send."))
    if values["valid_to"] < values["valid_from"]:
        raise Invalid(_("The plan must end on or after the day it begins (valid_to ≥ "
                        "valid_from)."))
    if not values["valid_from"] <= values["review_date"] <= values["valid_to"]:
        raise Invalid(_("The review date must fall within the plan's validity, between "
                        "%(start)s and %(end)s.")
                      % {"start": values["valid_from"], "end": values["valid_to"]})
    if values["consent_method"] not in ConsentMethod.values:
        raise Invalid(_("Say how consent was given: %(values)s.")
                      % {"values": ", ".join(ConsentMethod.values)})
    if not values["consent_recorded_by"].strip():
        raise Invalid(_("Say who recorded the person's consent."))
    if values["consent_recorded_at"] > timezone.localdate():
        raise Invalid(_("Consent cannot be recorded in the future: give the day it was "
                        "recorded."))
    other = overlapping_plan(pin=pin, phones=phones, valid_from=values["valid_from"],
                             valid_to=values["valid_to"], exclude_pk=exclude_pk)
    if other is not None:
        raise Conflict(
            _("This person already has a care plan for these dates (from %(unit)s, valid "
              "%(start)s to %(end)s): change that plan, or end it before this one begins.")
            % {"unit": other.care_unit, "start": other.valid_from, "end": other.valid_to},
            current={"id": other.pk, "valid_from": str(other.valid_from),
                     "valid_to": str(other.valid_to)})


def _person_lock(pin: str, phones: Sequence[str]) -> None:
    """Serialise the writing of plans for one person (by identity number and by each number
    they call from) until the transaction ends: the check for an overlapping plan and the
    write that follows it are one step, so two plans saved at once cannot both pass."""
    advisory_xact_lock(scope="care-plan", keys=[pin_key(pin), *phones])


def _set_phones(plan: CarePlan, phones: list[str]) -> None:
    plan.phones.exclude(number__in=phones).delete()
    have = set(plan.phones.values_list("number", flat=True))
    CarePlanPhone.objects.bulk_create(
        [CarePlanPhone(plan=plan, number=n) for n in phones if n not in have])


# An active assignment's case was registered within this (a unit is on a case for hours).
ACTIVE_CASE_WINDOW = timedelta(days=7)


def _person(plan: CarePlan) -> tuple[str, list[str]]:
    """Whom `plan` names now: its identity number and its numbers."""
    return plan.personal_identity_number, plan.phone_list()


def _units_of_person(*, pin: str, phones: Sequence[str]) -> set[int]:
    """The units on an active assignment whose case is the person's: by identity number, or
    by a number they call from when the case or the plan names no identity number (as
    selectors.care_plan_for_case matches). More units than the plan applies to do no harm (the
    event carries the plan's id only); one it applies to must not be left out."""
    since = timezone.now() - ACTIVE_CASE_WINDOW
    cases = cases_of_person(personal_identity_number=pin, since=since) if pin_key(pin) else []
    for phone in phones:
        cases += [c for c in cases_of_person(pks=case_pks_by_caller(phone=phone, since=since),
                                             since=since)
                  if not pin_key(pin) or not pin_key(c.personal_identity_number)]
    return {a.unit_id for case in cases for a in case.assignments.all()
            if a.status in ACTIVE_STATUSES}


def _published(plan: CarePlan, *, before: tuple[str, list[str]] | None = None) -> None:
    """Tell the consoles, and the crews on the person's cases (whose card shows the crew part:
    crew-careplan.js asks again), that `plan` changed; `before`: whom it named before this
    change (a plan moved to another person leaves the first person's crews too)."""
    pin, phones = _person(plan)
    units = _units_of_person(pin=pin, phones=phones)
    if before is not None and before != (pin, phones):
        units |= _units_of_person(pin=before[0], phones=before[1])
    data = {"id": plan.pk}
    events_publish(events=[(DISPATCH_STREAM, "care_plan.changed", data)]
                   + [(unit_stream(unit), "care_plan.changed", data) for unit in sorted(units)])


@transaction.atomic
def care_plan_create(
    *, by, care_unit: str, valid_from: date, valid_to: date, review_date: date,
    consent_recorded_by: str, consent_recorded_at: date, consent_method: str,
    dispatcher_instructions: str, personal_identity_number: str = "",
    phones: Sequence[str] = (), person_name: str = "", contact: str = "",
    crew_instructions: str = "",
) -> CarePlan:
    """Write a care unit's plan for a person (*vårdplan*)."""
    values = {
        "personal_identity_number": personal_identity_number.strip(),
        "person_name": person_name.strip(), "care_unit": care_unit.strip(),
        "valid_from": valid_from, "valid_to": valid_to, "review_date": review_date,
        "consent_recorded_by": consent_recorded_by.strip(),
        "consent_recorded_at": consent_recorded_at, "consent_method": consent_method,
        "dispatcher_instructions": dispatcher_instructions.strip(), "contact": contact.strip(),
        "crew_instructions": crew_instructions.strip(),
    }
    numbers = care_plan_phones(phones)
    _person_lock(values["personal_identity_number"], numbers)
    care_plan_check(values, numbers)
    now = timezone.now()
    plan = CarePlan.objects.create(
        **values, pin_key=pin_key(values["personal_identity_number"]), author=by,
        created_at=now, updated_at=now, updated_by=by)
    _set_phones(plan, numbers)
    _published(plan)
    return plan


@transaction.atomic
def care_plan_update(*, plan: CarePlan, by, version: int | None = None,
                     phones: Sequence[str] | None = None, **fields) -> CarePlan:
    """Change a plan (a review, a new end date, new instructions). With `version`, a change
    made on an older version is refused (409, with the plan as it is now): one conditional
    UPDATE, so two administrators saving at once cannot both win."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise Invalid(_("These cannot be changed: %(fields)s.")
                      % {"fields": ", ".join(sorted(unknown))})
    current = CarePlan.objects.get(pk=plan.pk)
    before = _person(current)
    values = {name: getattr(current, name) for name in EDITABLE}
    for name, value in fields.items():
        values[name] = value.strip() if isinstance(value, str) else value
    numbers = care_plan_phones(phones) if phones is not None else current.phone_list()
    _person_lock(values["personal_identity_number"], numbers)
    care_plan_check(values, numbers, exclude_pk=plan.pk)
    expected = current.version if version is None else version
    changed = CarePlan.objects.filter(pk=plan.pk, version=expected).update(
        **values, pin_key=pin_key(values["personal_identity_number"]),
        updated_at=timezone.now(), updated_by=by, version=expected + 1)
    if not changed:
        raise CarePlanChanged(care_plan_changed_text())
    plan.refresh_from_db()
    if phones is not None:
        _set_phones(plan, numbers)
    _published(plan, before=before)
    return plan


def case_caller_index(*, case, new: bool = False) -> None:
    """Index the number `case`'s call came from, in E.164 (*inringande nummer*); a number that
    is no number is not indexed (and the case is not found by number). `new`: the case was
    registered in this transaction, so it has no row yet (one INSERT, on the path of a 1A)."""
    try:
        number = phone_normalise(case.caller_number)
    except PhoneNumberInvalid:
        if not new:
            CaseCaller.objects.filter(case=case).delete()
        return
    if new:
        CaseCaller.objects.create(case=case, number=number, registered_at=case.registered_at)
        return
    CaseCaller.objects.update_or_create(case=case, defaults={
        "number": number, "registered_at": case.registered_at})
