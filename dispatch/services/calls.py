"""Calls (*samtal*) as the telephony system logs them, and each case's link to its call.

A call is kept once per call id (`call_record` for one, `calls_record` for an import's batch):
a later record of the same id may add the answer, the operator, the line or the region; one
whose queued or answered time differs from the time kept is refused, so a re-sent record
changes nothing.

The link (measure 1 runs from the call's answer, measure 2 is the answer time on prioritised
lines): at registration (`call_for_case`) a case takes the call id the console sends, else the
latest answered call of the registering dispatcher not yet linked, answered at most
CALL_LINK_WINDOW_MINUTES before. A call logged after its case (the telephony system's lag) is
linked when it arrives: to the first case without a call its operator registered within the
window after the answer, unless the operator answered another call in between (the case is
that call's). A linked case takes the call's queued and answered times and its line.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from core.errors import Invalid
from core.times import CLOCK_SKEW
from crews.models import Region

from ..models import Call, CallSource, Case

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
BATCH = 2000
# Time spans per query when looking for late links: SQLite parses a long OR as a deep tree.
SPANS_PER_QUERY = 200
SPAN_GAP = timedelta(hours=12)


@dataclass(frozen=True)
class CallRecord:
    """One record of a call. None (and "" for the name) means "not stated": kept as it is."""

    call_id: str
    queued_at: datetime | None = None
    answered_at: datetime | None = None
    line: str | None = None
    prioritised: bool | None = None
    region: Region | None = None
    operator: Any = None
    operator_name: str = ""


@dataclass
class CallResult:
    call: Call | None
    outcome: str = ""  # CREATED, UPDATED or UNCHANGED; "" when refused
    error: str = ""


def link_window() -> timedelta:
    return timedelta(minutes=settings.CALL_LINK_WINDOW_MINUTES)


def _record_error(r: CallRecord) -> str:
    if not r.call_id:
        return _("The call id is missing.")
    if len(r.call_id) > 64:
        return _("The call id is longer than 64 characters.")
    if r.line is not None and len(r.line) > 40:
        return _("The line is longer than 40 characters.")
    if len(r.operator_name) > 120:
        return _("The operator's name is longer than 120 characters.")
    if r.queued_at and r.answered_at and r.answered_at < r.queued_at:
        return _("The call is answered before it was queued.")
    return ""


def _moment(value: datetime | None) -> datetime | None:
    """In UTC: a local time in the hour the clocks change compares unequal to the same moment
    in another zone (PEP 495)."""
    return value.astimezone(UTC) if value is not None else None


def _merge(call: Call, r: CallRecord) -> tuple[set[str], str]:
    """The fields `r` changes on `call` (set on it), or the words refusing it."""
    r = replace(r, queued_at=_moment(r.queued_at), answered_at=_moment(r.answered_at))
    if r.queued_at is not None and r.queued_at != _moment(call.queued_at):
        return set(), _("Call %(id)s was queued at %(kept)s; this record says %(new)s. "
                        "A call's queued time does not change.") % {
            "id": call.call_id, "kept": call.queued_at.isoformat(), "new": r.queued_at.isoformat()}
    if r.answered_at is not None and _moment(call.answered_at) not in (None, r.answered_at):
        return set(), _("Call %(id)s was answered at %(kept)s; this record says %(new)s. "
                        "A call's answer time does not change.") % {
            "id": call.call_id, "kept": call.answered_at.isoformat(),
            "new": r.answered_at.isoformat()}
    if r.answered_at is not None and r.answered_at < call.queued_at:
        return set(), _("The call is answered before it was queued.")
    wanted = {
        "answered_at": r.answered_at, "line": r.line, "prioritised": r.prioritised,
        "region_id": r.region.pk if r.region is not None else None,
        "operator_id": r.operator.pk if r.operator is not None else None,
        "operator_name": r.operator_name or None,
    }
    changed = set()
    for field, value in wanted.items():
        if value is not None and getattr(call, field) != value:
            setattr(call, field, value)
            changed.add(field.removesuffix("_id"))
    return changed, ""


@transaction.atomic
def calls_record(*, records: Sequence[CallRecord],
                 source: str = CallSource.IMPORT) -> list[CallResult]:
    """Record a batch of calls (one result per record, in order): two queries to read, bulk
    writes, then the links of the cases the new answers belong to."""
    known = Call.objects.in_bulk({r.call_id for r in records if r.call_id},
                                 field_name="call_id")
    results, new, changed, fields = [], [], {}, set()
    for r in records:
        error = _record_error(r)
        call = known.get(r.call_id)
        if not error and call is None and r.queued_at is None:
            error = _("No call with the id %(id)s is known, and this record has no queued "
                      "time to record it by.") % {"id": r.call_id}
        if error:
            results.append(CallResult(None, error=error))
        elif call is None:
            call = Call(call_id=r.call_id, line=r.line or "", prioritised=bool(r.prioritised),
                        region=r.region, queued_at=r.queued_at, answered_at=r.answered_at,
                        operator=r.operator, operator_name=r.operator_name, source=source)
            known[r.call_id] = call
            new.append(call)
            results.append(CallResult(call, CREATED))
        else:
            more, error = _merge(call, r)
            if error:
                results.append(CallResult(None, error=error))
                continue
            if more and call.pk is not None:
                changed[call.pk] = call
                fields |= more
            results.append(CallResult(call, UPDATED if more else UNCHANGED))
    Call.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        Call.objects.bulk_update(list(changed.values()), sorted(fields), batch_size=BATCH)
    _cases_follow(new, list(changed.values()))
    return results


def call_record(*, call_id: str, queued_at: datetime | None = None,
                answered_at: datetime | None = None, line: str | None = None,
                prioritised: bool | None = None, region: Region | None = None, operator=None,
                operator_name: str = "",
                source: str = CallSource.INTEGRATION) -> tuple[Call, str]:
    """Record one call (the telephony integration): (call, created|updated|unchanged).
    Idempotent by call id; a refused record raises Invalid with the words."""
    record = CallRecord(call_id=(call_id or "").strip(), queued_at=queued_at,
                        answered_at=answered_at, line=line, prioritised=prioritised,
                        region=region, operator=operator, operator_name=operator_name or "")
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                [result] = calls_record(records=[record], source=source)
            break
        except IntegrityError:
            # The same new call recorded at the same moment by another request: read it again.
            if attempt == 2:
                raise
    if result.error:
        raise Invalid(result.error)
    return result.call, result.outcome


def _cases_follow(new: list[Call], changed: list[Call]) -> None:
    """A linked case keeps its call's times; an answered call without a case finds the case
    its operator registered after answering it (the late link)."""
    linked = set()
    if changed:
        by_pk = {c.pk: c for c in changed}
        for case_pk, call_pk in Case.objects.filter(call__in=changed).values_list("pk", "call"):
            call = by_pk[call_pk]
            linked.add(call_pk)
            updates = {"call_received_at": call.queued_at, "is_prioritised_line": call.prioritised}
            if call.answered_at is not None:
                updates["call_answered_at"] = call.answered_at
            Case.objects.filter(pk=case_pk).update(**updates)
    waiting = [c for c in (*new, *changed) if c.pk not in linked and c.answered_at is not None
               and c.operator_id is not None]
    if waiting:
        _cases_link_late(waiting)


def _spans(calls: list[Call]) -> list[tuple]:
    """Per operator, the spans [answer, answer + window] of `calls`, those less than
    SPAN_GAP apart read as one (few conditions per query; the matching is exact in Python)."""
    window, spans = link_window(), []
    by_operator = defaultdict(list)
    for call in calls:
        by_operator[call.operator_id].append(call.answered_at)
    for operator, times in by_operator.items():
        times.sort()
        start = end = times[0]
        for at in times[1:]:
            if at > end + window + SPAN_GAP:
                spans.append((operator, start, end + window))
                start = at
            end = at
        spans.append((operator, start, end + window))
    return spans


def _read_in_spans(queryset, spans, *, user_field: str, time_field: str) -> list:
    found = []
    for i in range(0, len(spans), SPANS_PER_QUERY):
        q = Q()
        for operator, start, end in spans[i:i + SPANS_PER_QUERY]:
            q |= Q(**{user_field: operator, f"{time_field}__gte": start,
                      f"{time_field}__lte": end})
        found.extend(queryset.filter(q))
    return found


def _cases_link_late(calls: list[Call]) -> None:
    spans = _spans(calls)
    cases_of = defaultdict(list)  # operator -> [(registered_at, case pk)], in time order
    for pk, operator, at in _read_in_spans(
            Case.objects.filter(call__isnull=True).values_list(
                "pk", "created_by_id", "registered_at"),
            spans, user_field="created_by_id", time_field="registered_at"):
        cases_of[operator].append((at, pk))
    if not cases_of:
        return
    answers = defaultdict(list)  # operator -> every answer time in the spans, in order
    for operator, at in _read_in_spans(
            Call.objects.exclude(answered_at=None).values_list("operator_id", "answered_at"),
            spans, user_field="operator_id", time_field="answered_at"):
        answers[operator].append(at)
    for found in (*cases_of.values(), *answers.values()):
        found.sort()
    window, taken = link_window(), set()
    for call in sorted(calls, key=lambda c: c.answered_at):
        if call.operator_id not in cases_of:
            continue
        times = answers[call.operator_id]
        after = bisect_right(times, call.answered_at)
        until = call.answered_at + window
        if after < len(times):
            until = min(until, times[after] - timedelta(microseconds=1))
        cases = cases_of[call.operator_id]
        for at, pk in cases[bisect_left(cases, (call.answered_at,)):]:
            if pk in taken:
                continue
            if at <= until:
                taken.add(pk)
                Case.objects.filter(pk=pk, call__isnull=True).update(
                    call=call, call_received_at=call.queued_at,
                    call_answered_at=call.answered_at, is_prioritised_line=call.prioritised)
            break


def call_for_case(*, by, call_id: str = "", at: datetime) -> Call | None:
    """The call a case registered at `at` by `by` comes from (one indexed query): the call
    named by id (refused if unknown or linked to another case), else the dispatcher's latest
    answered call without a case within the window."""
    call_id = (call_id or "").strip()
    if call_id:
        call = Call.objects.filter(call_id=call_id).annotate(
            linked_to=F("case__reference"), linked_pk=F("case__pk")).first()
        if call is None:
            raise Invalid(_("No call with the id %(id)s is known. Check the call id, or leave "
                            "it out: the case is then linked to your latest answered call.")
                          % {"id": call_id})
        if call.linked_pk is not None:
            raise Invalid(_("The call %(id)s is already linked to case %(case)s.")
                          % {"id": call_id, "case": call.linked_to or call.linked_pk})
        return call
    if by is None or by.pk is None:
        return None
    return Call.objects.filter(
        operator=by, answered_at__gte=at - link_window(), answered_at__lte=at + CLOCK_SKEW,
        case__isnull=True).order_by("-answered_at").first()


def case_times_from_call(call: Call | None, *, received: datetime, answered: datetime,
                         prioritised: bool) -> tuple[datetime, datetime, bool]:
    """(call_received_at, call_answered_at, is_prioritised_line) of a case from its call: the
    call's own times when it has them, else what the console sent."""
    if call is None:
        return received, answered, prioritised
    answered = call.answered_at or answered
    return min(call.queued_at, answered), answered, call.prioritised


def case_insert(*, call: Call | None, **fields) -> Case:
    """Insert a case with its call. A call linked to another case a moment ago (a late call's
    link racing this registration) leaves this case without one rather than failing it."""
    if call is None:
        return Case.objects.create(**fields)
    try:
        with transaction.atomic():
            return Case.objects.create(call=call, **fields)
    except IntegrityError:
        return Case.objects.create(**fields)
