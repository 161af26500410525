"""Each dispatcher's monthly figures (*individuell dataåterkoppling*, seed 000), computed in
the database: per dispatcher (the case's `created_by`) for one calendar month in the centre's
time zone, and the centre's median of each figure over that month's dispatchers.

- `cases`: the cases they registered in the month.
- `p1a_cases`, `p1a_median_answer_to_alert_s`: their cases dispatched at 1A (the priority at
  the first alert, or the case's priority where that was not recorded) and the median seconds
  from the call's answer (the linked call's, else the case's own) to the first alert.
- `priority_changes`, `priority_changes_with_reason_share`: one for each of their cases
  registered with a priority other than MBS's, and one for each priority change they made in
  the month (`CaseChange`, field "priority"); the share of those with a reason.
- `referrals`, `referral_recontact_24h_share`: their cases referred (priority "referral") with
  a known person, and the share of them followed by a priority-1 dispatch of the same person
  after the referral and at most 24 h after it (24 h exactly counts).

A figure without data is None, never 0.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case as Choose
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf, Trim

from core.aggregates import PercentileCont, SecondsBetween, percentile_cont
from dispatch.models import Case, CaseChange, Priority, dispatched_at_priority_one

from .measures.expressions import JsonText

RECONTACT_WINDOW = timedelta(hours=24)
FIGURES = ("cases", "p1a_cases", "p1a_median_answer_to_alert_s", "priority_changes",
           "priority_changes_with_reason_share", "referrals", "referral_recontact_24h_share")
SECONDS = ("p1a_median_answer_to_alert_s",)
SHARES = ("priority_changes_with_reason_share", "referral_recontact_24h_share")


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's, in the centre's time zone."""
    tz = ZoneInfo(settings.TIME_ZONE)
    start = datetime(month.year, month.month, 1, tzinfo=tz)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return start, datetime(following.year, following.month, 1, tzinfo=tz)


def _as_registered(field: str):
    """A case field as it was at registration: the old value of its first change, if any (a
    case never edited, version 1, has it as it is: no look-up)."""
    first = (CaseChange.objects.filter(case=OuterRef("pk"), field=field)
             .order_by("changed_at", "id").values("old_value")[:1])
    return Choose(When(version=1, then=F(field)),
                  default=Coalesce(JsonText(Subquery(first)), F(field)),
                  output_field=CharField())


def _case_figures(start: datetime, end: datetime) -> dict[int, dict]:
    """Per dispatcher: their cases, 1A dispatches and answer-to-alert median, registrations
    whose priority differed from MBS's (and with a reason), referrals and recontacts."""
    alerted = Coalesce(NullIf(F("first_alert_priority"), Value("")), F("priority"),
                       output_field=CharField())
    answered = Coalesce(F("call__answered_at"), F("call_answered_at"))
    recontact = Case.objects.filter(
        dispatched_at_priority_one(), pin_key=OuterRef("pin_key"),
        registered_at__gt=OuterRef("registered_at"),
        registered_at__lte=OuterRef("registered_at") + RECONTACT_WINDOW)
    p1a = Q(first_alert_at__isnull=False, alerted_priority=Priority.P1A)
    differed = ~Q(registered_priority=F("registered_mbs"))
    referral = Q(priority=Priority.REFERRAL) & ~Q(pin_key="")
    rows = (Case.objects.filter(registered_at__gte=start, registered_at__lt=end)
            .annotate(alerted_priority=alerted, answer_to_alert=SecondsBetween(
                F("first_alert_at"), answered),
                registered_priority=_as_registered("priority"),
                registered_mbs=_as_registered("mbs_priority"),
                registered_reason=Trim(_as_registered("priority_change_reason")),
                recontacted=Exists(recontact))
            .values("created_by")
            .annotate(cases=Count("pk"),
                      p1a_cases=Count("pk", filter=p1a),
                      p1a_median=PercentileCont("answer_to_alert", 0.5, filter=p1a),
                      registered_changes=Count("pk", filter=differed),
                      registered_with_reason=Count("pk", filter=differed & ~Q(
                          registered_reason="")),
                      referrals=Count("pk", filter=referral),
                      recontacted_referrals=Count("pk", filter=referral & Q(recontacted=True)))
            .order_by())
    return {row.pop("created_by"): row for row in rows}


def _changes_made(start: datetime, end: datetime) -> dict[int, dict]:
    """Per user: the priority changes they made in the month, and those with a reason."""
    rows = (CaseChange.objects.filter(field="priority", changed_at__gte=start,
                                      changed_at__lt=end)
            .annotate(reason_t=Trim("reason"))
            .values("changed_by")
            .annotate(changes=Count("pk"), with_reason=Count("pk", filter=~Q(reason_t="")))
            .order_by())
    return {row["changed_by"]: row for row in rows}


def _share(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _rounded(figures: dict) -> dict:
    out = {}
    for name, value in figures.items():
        if value is None:
            out[name] = None
        elif name in SECONDS:
            out[name] = round(value, 1)
        elif name in SHARES:
            out[name] = round(value, 4)
        else:
            out[name] = value
    return out


def dispatcher_figures(*, month: date, dispatcher_ids=None) -> dict[int, dict]:
    """Every dispatcher's figures for `month` (unrounded), by user id: those who registered at
    least one case in it (or those of `dispatcher_ids` among them)."""
    start, end = month_bounds(month)
    cases = _case_figures(start, end)
    changes = _changes_made(start, end)
    wanted = set(cases) if dispatcher_ids is None else set(cases) & set(dispatcher_ids)
    out = {}
    for user_id in sorted(wanted):
        row = cases[user_id]
        made = changes.get(user_id, {"changes": 0, "with_reason": 0})
        priority_changes = row["registered_changes"] + made["changes"]
        out[user_id] = {
            "cases": row["cases"],
            "p1a_cases": row["p1a_cases"],
            "p1a_median_answer_to_alert_s": row["p1a_median"],
            "priority_changes": priority_changes,
            "priority_changes_with_reason_share": _share(
                row["registered_with_reason"] + made["with_reason"], priority_changes),
            "referrals": row["referrals"],
            "referral_recontact_24h_share": _share(row["recontacted_referrals"],
                                                   row["referrals"]),
        }
    return out


def centre_figures(figures: list[dict]) -> dict:
    """The median of each figure over the dispatchers' (those without data left out)."""
    return {name: percentile_cont([f[name] for f in figures], 0.5) for name in FIGURES}


def month_feedback(*, month: date, dispatcher_ids) -> dict:
    """{user id: {"figures", "centre"}} for the dispatchers of `dispatcher_ids` who registered
    a case in `month`, rounded as the API gives them; the centre's median is over them all."""
    found = dispatcher_figures(month=month, dispatcher_ids=dispatcher_ids)
    centre = _rounded(centre_figures(list(found.values())))
    return {user_id: {"figures": _rounded(figures), "centre": centre}
            for user_id, figures in found.items()}


# --- Reading the reports -----------------------------------------------------------------------

def reports_visible_to(user, *, dispatcher_id: int | None = None):
    """The reports `user` may read: their own, or (the manager, an administrator) everyone's;
    narrowed to one dispatcher's when asked (another's, for a dispatcher: none)."""
    from accounts.roles import is_manager

    from .models import DispatcherReport

    reports = DispatcherReport.objects.select_related("dispatcher")
    if not is_manager(user):
        reports = reports.filter(dispatcher=user)
    if dispatcher_id is not None:
        reports = reports.filter(dispatcher_id=dispatcher_id)
    return reports


def report_months(reports) -> list[date]:
    """The months these reports cover, the latest first."""
    return list(reports.order_by("-month").values_list("month", flat=True).distinct())


def report_data(report) -> dict:
    figures = report.figures or {}
    return {
        "id": report.pk,
        "dispatcher": {"id": report.dispatcher_id, "name": str(report.dispatcher)},
        "month": f"{report.month:%Y-%m}",
        "made_at": report.made_at.isoformat(),
        "read_at": report.read_at.isoformat() if report.read_at else None,
        "figures": {name: figures.get("figures", {}).get(name) for name in FIGURES},
        "centre": {name: figures.get("centre", {}).get(name) for name in FIGURES},
    }
