"""The responder's report after the case (*återrapport*)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Invalid

from ..models import AlertReport, ResponderAlert
from .answers import alert_lock_own, answer_time_check


@transaction.atomic
def alert_report_submit(*, alert: ResponderAlert, by, **fields) -> AlertReport:
    """After the case: what was done (arrival, CPR, defibrillator shocks) and how the
    responder is. Sent again, it replaces the earlier answers."""
    _callout, alert = alert_lock_own(alert, by)
    if alert.accepted_at is None:
        raise Conflict(_("Only a responder who accepted the alert can report on it."))
    allowed = {"arrived_at", "cpr_started", "aed_attached", "aed_shocks", "notes",
               "wellbeing", "wants_debrief"}
    unknown = set(fields) - allowed
    if unknown:
        raise Invalid(_("Unknown field %(name)s.") % {"name": sorted(unknown)[0]})
    arrived = fields.get("arrived_at")
    if arrived is not None:
        answer_time_check(arrived, timezone.now(), alert.accepted_at)
    report = AlertReport.objects.filter(alert=alert).first() or AlertReport(alert=alert)
    for name, value in fields.items():
        setattr(report, name, value)
    if report.aed_shocks and report.aed_attached is False:
        raise Invalid(_("Shocks were given, so the defibrillator was attached."))
    report.submitted_at = timezone.now()
    unset = [f.name for f in AlertReport._meta.concrete_fields
             if getattr(report, f.attname) is None]
    try:
        report.clean_fields(exclude=["alert", *unset])  # wellbeing 1–5, at most 30 shocks
    except ValidationError as exc:
        raise Invalid("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                      ) from None
    report.save()
    return report
