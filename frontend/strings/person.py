"""The person behind a case: the care plan band and the earlier cases on the console
(t('console.person....'), console-person.js and the new-case form's lookup), and the crew's
part of a care plan on the crew card (t('crew.careplan....'), crew-careplan.js)."""

from django.utils.translation import gettext as _

from careplans.models import ConsentMethod
from dispatch.selectors import CaseOutcome

from .common import labels


def console_person() -> dict:
    return {
        "plan": _("Care plan"),
        "plan_from": _("Care plan · {unit}"),
        "instructions": _("For the dispatcher"),
        "contact": _("Call first"),
        "crew_part": _("For the crew"),
        "valid_to": _("Valid to {date}"),
        "author": _("Written by {name}"),
        "consent": _("Consent: {method} ({by}, {date})"),
        "review": _("Review {date}"),
        "review_due": _("Review due {date}"),
        "by_phone": _("Found by the caller's number, not by an identity number: check that it "
                      "is the same person."),
        "earlier": _("Earlier cases, 12 months ({n})"),
        "earlier_none": _("No earlier cases in the last 12 months."),
        "referral": _("Referral"),
        "loading": _("Looking up the person…"),
        "form_found": _("Care plan for this caller"),
        "form_found_pin": _("Care plan for this personal identity number"),
        "outcome": labels(CaseOutcome.choices),
        "write": _("Write a care plan…"),
        "edit": _("Change the care plan…"),
        "dialog_new": _("New care plan"),
        "dialog_edit": _("Change the care plan"),
        "save": _("Save the care plan"),
        "cancel": _("Cancel"),
        "saved": _("Care plan saved."),
        "consent_method": labels(ConsentMethod.choices),
        "field": {
            "personal_identity_number": _("Personal identity number"),
            "phones": _("Numbers the person calls from (separated by commas)"),
            "person_name": _("Name"),
            "care_unit": _("Care unit that wrote the plan"),
            "valid_from": _("Valid from"),
            "valid_to": _("Valid to"),
            "review_date": _("Review date"),
            "consent_recorded_by": _("Consent recorded by"),
            "consent_recorded_at": _("Consent recorded on"),
            "consent_method": _("Consent given"),
            "dispatcher_instructions": _("Instructions for the dispatcher: whom to call, what "
                                         "to send or not to send"),
            "contact": _("Call first (name and number)"),
            "crew_instructions": _("For the crew"),
        },
    }


def crew_careplan() -> dict:
    return {
        "title": _("Care plan: for the crew"),
        "valid": _("Valid {start} to {end} · {unit}"),
    }
