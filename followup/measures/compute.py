"""The seven measures counted in the database, per region and per tertial of a report's window
(the tertial asked for and the three before it), in a handful of grouped queries: the cases
(measures 3, 5, 6 and the registrations of 7), the referrals followed up (5, 6), the
assignments (4), the priority edits (7), which regions have a call log (2) and the hospital
visits' coverage (6). The medians (1, 2) are in medians.py."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Case as Choose
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, Trim

from core.aggregates import SecondsBetween
from crews.models import NON_TRANSPORTING_KINDS, Region
from dispatch.models import (
    PRIORITY_ONE,
    Assignment,
    AssignmentStatus,
    Call,
    Case,
    CaseChange,
    dispatched_at_priority_one,
)
from followup.models import HospitalVisit

from .definitions import (
    ADMITTED_DAYS,
    DISPATCHED_1A,
    MBS_PRIORITY_ONE,
    NO_TRANSPORT_EXPECTED,
    OUT_AS_PRIORITY_TWO,
    RECONTACT_HOURS,
    REFERRAL_WITH_PERSON,
    dispatched_at,
    prefixed,
)
from .expressions import JsonText, bucket, in_window
from .periods import Tertial

CALLS = "calls"
CASES = "cases"
CALLS_AND_CASES = f"{CALLS}_and_{CASES}"


@dataclass
class Figure:
    """One measure for one group of cases: `value` (unrounded; None: no data), how many it is
    computed over, the numerator of a share, and where measure 1's or 2's figure came from."""

    value: float | None = None
    count: int = 0
    numerator: int | None = None
    source: str | None = None


def answer_source(cases: int, linked: int) -> str | None:
    """Where measure 1's start came from: the linked calls' answers ("calls"), the cases' own
    call_answered_at for cases without a linked call ("cases": for a console case the form's
    first keystroke), or both; None without cases."""
    if not cases:
        return None
    if linked == cases:
        return CALLS
    return CASES if linked == 0 else CALLS_AND_CASES


def sources_pooled(sources) -> str | None:
    """The centre's source over its regions' sources (None: no region has any)."""
    kinds = {s for s in sources if s is not None}
    if not kinds:
        return None
    return kinds.pop() if len(kinds) == 1 else CALLS_AND_CASES


def share(numerator: int, count: int) -> Figure:
    return Figure(value=numerator / count if count else None, count=count, numerator=numerator)


@dataclass
class Counts:
    """Every grouped figure of the window: cells[(measure, region_id, bucket)]."""

    cells: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)   # (region_id, bucket) -> cases registered
    calls: dict = field(default_factory=dict)   # (region_id, bucket) -> True: a call log
    # (region_id, bucket) -> a hospital visit of the region (or of none) in reach
    hospital_data: dict = field(default_factory=dict)
    # (region_id, bucket) -> measure 1's 1A cases: (all, with a linked call)
    linked: dict = field(default_factory=dict)


def answered_to_alert():
    """Measure 1's seconds: from the linked call's answer (else the case's own) to the first
    alert. The call is looked up by its key for each 1A case (no join of the whole log)."""
    answered = Subquery(Call.objects.filter(pk=OuterRef("call_id")).order_by()
                        .values("answered_at")[:1])
    return SecondsBetween("first_alert_at", Coalesce(answered, "call_answered_at"))


def call_answer_time():
    return SecondsBetween("answered_at", "queued_at")


def case_answer_time():
    return SecondsBetween("call_answered_at", "call_received_at")


# Measure 2's fallback counts only cases whose answer time was measured: a linked call, or a
# receipt before the answer. The console sets received = answered (it sees no queue), so such
# a case says nothing about the queue (README, measure 2) and is left out, not counted as 0 s.
CASE_ANSWER_MEASURED = Q(call__isnull=False) | Q(call_received_at__lt=F("call_answered_at"))


ANSWERED_PRIORITISED_CALL = Q(prioritised=True, answered_at__isnull=False)


def _first_change(field_name: str):
    """The value a field had at registration when it was edited since: the old value of its
    first CaseChange."""
    return JsonText(Subquery(CaseChange.objects.filter(case=OuterRef("pk"), field=field_name)
                             .order_by("changed_at", "id").values("old_value")[:1]))


def _at_registration(field_name: str):
    """A field as it was at registration. A case never edited (version 1) has it as it is, so
    the history is looked up only for edited cases."""
    return Choose(When(version=1, then=F(field_name)),
                  default=Coalesce(_first_change(field_name), F(field_name)))


def recontact_p1():
    """Measure 5: another case of the same person registered within (t, t + 24 h], dispatched
    at priority 1. The referral has a person (pin_key not empty), so the other case has too:
    said outright, PostgreSQL reads them from followup_case_p1_person alone."""
    return Exists(Case.objects.filter(
        dispatched_at_priority_one(), ~Q(pin_key=""), pin_key=OuterRef("pin_key"),
        registered_at__gt=OuterRef("registered_at"),
        registered_at__lte=OuterRef("registered_at") + timedelta(hours=RECONTACT_HOURS)))


def admitted_within():
    """Measure 6: an emergency department visit of the person arriving within (t, t + 3 d],
    admitted."""
    return Exists(HospitalVisit.objects.filter(
        person_key=OuterRef("pin_key"), admitted=True,
        arrived_at__gt=OuterRef("registered_at"),
        arrived_at__lte=OuterRef("registered_at") + timedelta(days=ADMITTED_DAYS)))


def _cases(counts: Counts, window: list[Tertial]) -> None:
    """Counts over every case of the window in one hashed aggregate: no join, no subquery."""
    unedited_change = Q(version=1) & ~Q(priority=F("mbs_priority"))
    rows = (Case.objects.filter(in_window("registered_at", window))
            .annotate(bk=bucket("registered_at", window),
                      reason_t=Trim("priority_change_reason"))
            .values("region_id", "bk").order_by()
            .annotate(cases=Count("pk"),
                      m1_n=Count("pk", filter=DISPATCHED_1A),
                      m1_linked=Count("pk", filter=DISPATCHED_1A & Q(call__isnull=False)),
                      m3_n=Count("pk", filter=MBS_PRIORITY_ONE),
                      m3_x=Count("pk", filter=MBS_PRIORITY_ONE & OUT_AS_PRIORITY_TWO),
                      m5_n=Count("pk", filter=REFERRAL_WITH_PERSON),
                      m7_n=Count("pk", filter=unedited_change),
                      m7_x=Count("pk", filter=unedited_change & ~Q(reason_t=""))))
    for row in rows:
        key = (row["region_id"], row["bk"])
        counts.cases[key] = row["cases"]
        counts.linked[key] = (row["m1_n"], row["m1_linked"])
        counts.cells[(3, *key)] = share(row["m3_x"], row["m3_n"])
        counts.cells[(5, *key)] = share(0, row["m5_n"])
        counts.cells[(6, *key)] = share(0, row["m5_n"])
        counts.cells[(7, *key)] = share(row["m7_x"], row["m7_n"])


def _edited_registrations(counts: Counts, window: list[Tertial]) -> None:
    """Measure 7's changes at registration of the edited cases (version > 1), whose priority,
    MBS priority and reason at registration are the old values of their first changes."""
    rows = (Case.objects.filter(in_window("registered_at", window), version__gt=1)
            .annotate(bk=bucket("registered_at", window),
                      reg_priority=_at_registration("priority"),
                      reg_mbs=_at_registration("mbs_priority"),
                      reg_reason=Trim(_at_registration("priority_change_reason")))
            # Grouped by the values at registration, each looked up once per case.
            .values("region_id", "bk", "reg_priority", "reg_mbs", "reg_reason").order_by()
            .annotate(n=Count("pk")))
    for row in rows:
        if row["reg_priority"] != row["reg_mbs"]:
            _add(counts, (7, row["region_id"], row["bk"]), row["n"] if row["reg_reason"] else 0,
                 row["n"])


def _add(counts: Counts, key, numerator: int, count: int) -> None:
    before = counts.cells.get(key) or share(0, 0)
    counts.cells[key] = share(before.numerator + numerator, before.count + count)


def _referrals_followed(counts: Counts, window: list[Tertial]) -> None:
    """Measures 5 and 6's numerators: the referrals with the person's recontact (an Exists on
    Case.pin_key) or admission (on HospitalVisit.person_key), each a semi-join."""
    for measure, followed in ((5, recontact_p1()), (6, admitted_within())):
        rows = (Case.objects.filter(in_window("registered_at", window), REFERRAL_WITH_PERSON,
                                    followed)
                .annotate(bk=bucket("registered_at", window))
                .values("region_id", "bk").order_by().annotate(x=Count("pk")))
        for row in rows:
            _add(counts, (measure, row["region_id"], row["bk"]), row["x"], 0)


def cells_q(cells, *, region_field: str, moment: str, window: list[Tertial]) -> Q:
    """The rows of the given (region, tertial index) cells; a region's consecutive tertials
    are one span of time."""
    q = Q(pk__in=[])
    for region_id in sorted({r for r, _b in cells}):
        spans: list[list[int]] = []
        for bk in sorted(b for r, b in cells if r == region_id):
            if spans and spans[-1][1] == bk - 1:
                spans[-1][1] = bk
            else:
                spans.append([bk, bk])
        for first, last in spans:
            q |= Q(**{region_field: region_id, f"{moment}__gte": window[first].start,
                      f"{moment}__lt": window[last].end})
    return q


def _assignments(counts: Counts, window: list[Tertial]) -> None:
    """Measure 4: completed assignments (*uppdrag*: the unit came free, neither cancelled,
    redirected nor still under way) of the cases dispatched at priority 1, by the case's region
    and tertial; a case with two units counts twice. The units that never transport (mobile
    care, first responders) are left out."""
    rows = (Assignment.objects
            .filter(in_window("case__registered_at", window),
                    prefixed(dispatched_at(PRIORITY_ONE), "case__"),
                    status=AssignmentStatus.AVAILABLE)
            .exclude(case__case_type__in=NO_TRANSPORT_EXPECTED)
            .exclude(unit__kind__in=NON_TRANSPORTING_KINDS)
            .annotate(bk=bucket("case__registered_at", window))
            .values("case__region_id", "bk").order_by()
            .annotate(n=Count("pk"), x=Count("pk", filter=Q(transporting_at__isnull=True))))
    for row in rows:
        counts.cells[(4, row["case__region_id"], row["bk"])] = share(row["x"], row["n"])


def _priority_edits(counts: Counts, window: list[Tertial]) -> None:
    """Measure 7's later changes: every CaseChange of the priority, by the case's region and
    tertial, added to the registrations' changes. An edit raises the case's version with its
    history rows (dispatch.services.case_edit), so the cases are found by the edited cases'
    index."""
    rows = (CaseChange.objects.filter(in_window("case__registered_at", window), field="priority",
                                      case__version__gt=1)
            .annotate(bk=bucket("case__registered_at", window), reason_t=Trim("reason"))
            .values("case__region_id", "bk").order_by()
            .annotate(n=Count("pk"), x=Count("pk", filter=~Q(reason_t=""))))
    for row in rows:
        _add(counts, (7, row["case__region_id"], row["bk"]), row["x"], row["n"])


def _calls(counts: Counts, window: list[Tertial], region_ids: list[int]) -> None:
    """Which regions have a call log in which tertials (the first call per region and
    tertial, ordered as the calls' region and time index so it is one index probe): measure 2
    uses it there (its medians are in medians.py, with measure 1's)."""
    found = Region.objects.filter(pk__in=region_ids).values("pk").annotate(**{
        f"b{i}": Subquery(Call.objects.filter(region=OuterRef("pk"), queued_at__gte=t.start,
                                              queued_at__lt=t.end)
                          .order_by("queued_at").values("pk")[:1])
        for i, t in enumerate(window)})
    for row in found:
        for i in range(len(window)):
            if row[f"b{i}"] is not None:
                counts.calls[(row["pk"], i)] = True


def _hospital_coverage(counts: Counts, window: list[Tertial], region_ids: list[int]) -> None:
    """Measure 6 has data for a region and tertial when a hospital visit of that region, or
    of no region (it counts for every region), arrived in [start, end + 3 d): one grouped
    aggregate by the visits' region."""
    reach = timedelta(days=ADMITTED_DAYS)
    rows = (HospitalVisit.objects.filter(arrived_at__gte=window[0].start,
                                         arrived_at__lt=window[-1].end + reach)
            .values("region_id").order_by()
            .annotate(**{f"b{i}": Count("pk", filter=Q(arrived_at__gte=t.start,
                                                       arrived_at__lt=t.end + reach))
                         for i, t in enumerate(window)}))
    found = {row["region_id"]: row for row in rows}
    everywhere = found.get(None, {})
    for region_id in region_ids:
        own = found.get(region_id, {})
        for i in range(len(window)):
            counts.hospital_data[(region_id, i)] = bool(everywhere.get(f"b{i}")
                                                        or own.get(f"b{i}"))
    for (measure, region_id, bk), figure in list(counts.cells.items()):
        if measure == 6 and not counts.hospital_data.get((region_id, bk)):
            figure.value, figure.numerator = None, None


def counts_compute(window: list[Tertial], region_ids: list[int]) -> Counts:
    """Every measure's figure per (region, tertial of the window); a region and tertial with
    nothing to count has a figure of count 0 and no value."""
    counts = Counts()
    _cases(counts, window)
    _edited_registrations(counts, window)
    _referrals_followed(counts, window)
    _calls(counts, window, region_ids)
    _assignments(counts, window)
    _priority_edits(counts, window)
    for region_id in region_ids:
        for bk in range(len(window)):
            for measure in range(1, 8):
                counts.cells.setdefault((measure, region_id, bk), Figure(
                    source=CASES if measure == 2 else None) if measure in (1, 2)
                    else share(0, 0))
    _hospital_coverage(counts, window, region_ids)
    return counts
