"""Referral statistics per unit, and seed 000's measure 5 from real referrals.

Measure 5: the share of referred patients who were the subject of a new case (another case
with the same personal identity number, however typed: with or without the century and the
hyphen) registered after the referral and at most 24 h after it (24 h exactly counts), and
dispatched at priority 1 (1A or 1B, an ambulance alerted). Counted per referred case, from
its first referral sent in the period; a case without an identity number cannot be followed and is
left out (and counted as such). A "needs ambulance" outcome that was dispatched at priority 1
counts: the referral did not keep the patient out of the ambulance. dispatch/measures.py keeps
its version (cases whose chosen priority is "referral") for records made before referrals.
"""

from datetime import datetime, timedelta
from statistics import median

from django.db.models import Min

from core.identity_numbers import pin_key as person_key
from dispatch.models import Case, dispatched_at_priority_one

from .models import Outcome, Referral, ReferralState

RECONTACT_WINDOW = timedelta(hours=24)


def _median_seconds(deltas: list[timedelta]) -> float | None:
    return round(median(d.total_seconds() for d in deltas), 1) if deltas else None


def _share(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def measure5(*, start: datetime, end: datetime, region=None) -> dict:
    firsts = Referral.objects.filter(sent_at__gte=start, sent_at__lt=end)
    if region is not None:
        firsts = firsts.filter(case__region=region)
    rows = list(firsts.values("case_id", "case__personal_identity_number")
                .annotate(first_sent=Min("sent_at")))
    followed = [r for r in rows if person_key(r["case__personal_identity_number"])]
    recontacted = []
    if followed:
        # The priority-1 dispatches that could follow one of these referrals, by person.
        contacts: dict[str, list[tuple[int, datetime]]] = {}
        for pk, pin, registered in Case.objects.filter(
            registered_at__gt=min(r["first_sent"] for r in followed),
            registered_at__lte=max(r["first_sent"] for r in followed) + RECONTACT_WINDOW,
        ).filter(dispatched_at_priority_one()).exclude(personal_identity_number="").values_list(
                "pk", "personal_identity_number", "registered_at"):
            contacts.setdefault(person_key(pin), []).append((pk, registered))
        for row in followed:
            sent = row["first_sent"]
            if any(pk != row["case_id"] and sent < registered <= sent + RECONTACT_WINDOW
                   for pk, registered in contacts.get(
                       person_key(row["case__personal_identity_number"]), ())):
                recontacted.append(row["case_id"])
    return {
        "m5_referral_recontact_p1_24h_share": _share(len(recontacted), len(followed)),
        "m5_referred_cases": len(followed),
        "m5_recontacted_cases": len(recontacted),
        "m5_without_identity_number": len(rows) - len(followed),
    }


def referral_stats(*, start: datetime, end: datetime, region=None) -> dict:
    """Per unit, over referrals sent in [start, end): how many, accepted, declined, withdrawn,
    overdue; the acceptance rate (accepted of those answered); median minutes from sent to
    accepted and from sent to the visit; the outcomes."""
    qs = Referral.objects.filter(sent_at__gte=start, sent_at__lt=end)
    if region is not None:
        qs = qs.filter(case__region=region)
    referrals = list(qs.select_related("unit").order_by("unit__call_sign", "sent_at"))
    units: dict[int, dict] = {}
    for r in referrals:
        row = units.setdefault(r.unit_id, {
            "unit": r.unit_id, "call_sign": r.unit.call_sign, "referrals": 0, "accepted": 0,
            "declined": 0, "withdrawn": 0, "overdue": 0, "open": 0,
            "outcomes": {o: 0 for o in Outcome.values}, "_accept": [], "_visit": []})
        row["referrals"] += 1
        if r.accepted_at:
            row["accepted"] += 1
            row["_accept"].append(r.accepted_at - r.sent_at)
        if r.state == ReferralState.DECLINED:
            row["declined"] += 1
        if r.state == ReferralState.WITHDRAWN:
            row["withdrawn"] += 1
        if r.overdue:
            row["overdue"] += 1
        if r.is_open:
            row["open"] += 1
        if r.visited_at:
            row["_visit"].append(r.visited_at - r.sent_at)
        if r.outcome:
            row["outcomes"][r.outcome] += 1
    rows = []
    for row in units.values():
        accept, visit = row.pop("_accept"), row.pop("_visit")
        row["acceptance_rate"] = _share(row["accepted"], row["accepted"] + row["declined"])
        row["median_s_to_accept"] = _median_seconds(accept)
        row["median_s_to_visit"] = _median_seconds(visit)
        rows.append(row)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "region": region.pk if region is not None else None,
        "referrals": len(referrals),
        "units": rows,
        **measure5(start=start, end=end, region=region),
    }
