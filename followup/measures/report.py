"""The tertial report (*tertialrapport*): the seven measures for every region, side by side,
with the target in force, the trend over the previous three tertials and the deviations the
stated tests flag (deviations.py), in the shape of the API contract (README, Follow-up)."""

from django.conf import settings
from django.db import connection, transaction

from crews.models import Region
from dispatch.models import Call, Case
from followup.models import DeviationFollowUp

from . import compute, deviations, medians
from .compute import CALLS, CASES, Figure
from .definitions import DEFINITIONS, DISPATCHED_1A, SECONDS, TREND_TERTIALS
from .expressions import in_window
from .medians import Group
from .periods import Tertial
from .targets import meets, target_in_force, targets_for

CURRENT = TREND_TERTIALS  # the index of the tertial asked for in its window
MEDIAN_MEASURES = (1, 2)


def _rounded(measure: int, value: float | None) -> float | None:
    if value is None:
        return None
    return round(value, 1) if DEFINITIONS[measure].unit == SECONDS else round(value, 4)


def _p_rounded(p: float | None) -> float | None:
    return None if p is None else float(f"{p:.6g}")


def _pooled_share(figures: list[Figure]) -> Figure:
    known = [f for f in figures if f.numerator is not None]
    if not known:
        return Figure()
    return compute.share(sum(f.numerator for f in known), sum(f.count for f in known))


def _median_sources(measure: int, window: list[Tertial], region_ids: list[int],
                    counts: compute.Counts) -> list:
    if measure == 1:
        return [medians.source(Case.objects.filter(in_window("registered_at", window),
                                                   DISPATCHED_1A),
                               moment="registered_at", value=compute.answered_to_alert(),
                               window=window)]
    logged = [key for key in counts.calls]
    fallback = [(r, b) for r in region_ids for b in range(len(window))
                if (r, b) not in counts.calls]
    sources = []
    if logged:
        sources.append(medians.source(
            Call.objects.filter(compute.ANSWERED_PRIORITISED_CALL,
                                compute.cells_q(logged, region_field="region_id",
                                                moment="queued_at", window=window)),
            moment="queued_at", value=compute.call_answer_time(), window=window))
    if fallback:
        sources.append(medians.source(
            Case.objects.filter(compute.cells_q(fallback, region_field="region_id",
                                                moment="registered_at", window=window),
                                compute.CASE_ANSWER_MEASURED, is_prioritised_line=True),
            moment="registered_at", value=compute.case_answer_time(), window=window))
    return sources


def _median_comparisons(measure: int, window: list[Tertial], region_ids: list[int],
                        counts: compute.Counts) -> tuple[Figure, dict]:
    """The centre's figure and each region's two comparisons (Mood's median test)."""
    groups = {"centre": Group(tuple(region_ids), CURRENT, CURRENT)}
    above = {}
    for r in region_ids:
        groups[("others", r)] = Group(tuple(o for o in region_ids if o != r), CURRENT, CURRENT)
        groups[("previous", r)] = Group((r,), 0, CURRENT - 1)
        groups[("window", r)] = Group((r,), 0, CURRENT)
        for i in range(len(window)):
            groups[("cell", r, i)] = Group((r,), i, i)
            # Trend: each tertial's values above the median of all four of the region.
            above[("tertial", r, i)] = (Group((r,), i, i), ("window", r))
        # Region: the tertial's values above the median of every region together.
        above[("current", r)] = (Group((r,), CURRENT, CURRENT), "centre")
    pooled, above = medians.median_figures(
        _median_sources(measure, window, region_ids, counts), groups, above)
    for r in region_ids:
        for i in range(len(window)):
            value, count = pooled[("cell", r, i)]
            if measure == 1:
                source = compute.answer_source(*counts.linked.get((r, i), (0, 0)))
            else:
                source = CALLS if (r, i) in counts.calls else CASES
            counts.cells[(measure, r, i)] = Figure(value=value, count=count, source=source)
    centre_median = pooled["centre"][0]
    comparisons = {}
    for r in region_ids:
        own = counts.cells.get((measure, r, CURRENT)) or Figure()
        others_above = sum(above[("current", o)] for o in region_ids if o != r)
        comparisons[(r, "region")] = deviations.Comparison(
            kind="region", test=deviations.MEDIAN_TEST, value=own.value,
            compared_with=pooled[("others", r)][0], count=own.count,
            compared_count=pooled[("others", r)][1],
            p_value=deviations.median_test_p(above[("current", r)], own.count, others_above,
                                             pooled[("others", r)][1]))
        earlier_above = sum(above[("tertial", r, i)] for i in range(CURRENT))
        comparisons[(r, "trend")] = deviations.Comparison(
            kind="trend", test=deviations.MEDIAN_TEST, value=own.value,
            compared_with=pooled[("previous", r)][0], count=own.count,
            compared_count=pooled[("previous", r)][1],
            p_value=deviations.median_test_p(above[("tertial", r, CURRENT)], own.count,
                                             earlier_above, pooled[("previous", r)][1]))
    centre = Figure(value=centre_median, count=pooled["centre"][1])
    centre.source = compute.sources_pooled(
        (counts.cells.get((measure, r, CURRENT)) or Figure(source=CASES)).source
        for r in region_ids)
    return centre, comparisons


def _share_comparisons(measure: int, region_ids: list[int],
                       counts: compute.Counts) -> tuple[Figure, dict]:
    def cell(r, b):
        return counts.cells.get((measure, r, b)) or compute.share(0, 0)

    centre = _pooled_share([cell(r, CURRENT) for r in region_ids])
    if measure == 6 and not any(counts.hospital_data.get((r, CURRENT)) for r in region_ids):
        centre = Figure(count=centre.count)
    comparisons = {}
    for r in region_ids:
        own = cell(r, CURRENT)
        for kind, others in (("region", [cell(o, CURRENT) for o in region_ids if o != r]),
                             ("trend", [cell(r, b) for b in range(CURRENT)])):
            pooled = _pooled_share(others)
            p = None
            if own.numerator is not None and pooled.numerator is not None:
                p = deviations.two_proportions_p(own.numerator, own.count, pooled.numerator,
                                                 pooled.count)
            comparisons[(r, kind)] = deviations.Comparison(
                kind=kind, test=deviations.TWO_PROPORTIONS, value=own.value,
                compared_with=pooled.value, count=own.count, compared_count=pooled.count,
                p_value=p)
    return centre, comparisons


def _figure_json(measure: int, figure: Figure) -> dict:
    found = {"value": _rounded(measure, figure.value), "count": figure.count,
             "numerator": figure.numerator}
    if measure in MEDIAN_MEASURES:
        found["source"] = figure.source
    return found


def _deviation_json(measure: int, comparison: deviations.Comparison) -> dict:
    return {"kind": comparison.kind, "direction": comparison.direction,
            "compared_with": _rounded(measure, comparison.compared_with),
            "p_value": _p_rounded(comparison.p_value), "test": comparison.test,
            "words": deviations.deviation_words(comparison.kind, comparison.direction,
                                                comparison.p_value)}


def report_build(tertial: Tertial) -> dict:
    """The report of `tertial` (see the API contract, README "The seven measures"), read in
    one transaction so every figure is of the same moment."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # PostgreSQL's JIT compiles these short aggregates for seconds (the measures'
            # subqueries look costly to the planner) to save milliseconds: not here. The
            # groups and medians sort in memory rather than on disk.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL work_mem = '64MB'")
        return _report(tertial)


def _report(tertial: Tertial) -> dict:
    window = tertial.with_previous(TREND_TERTIALS)
    regions = list(Region.objects.order_by("pk"))
    region_ids = [r.pk for r in regions]
    counts = compute.counts_compute(window, region_ids)
    targets = targets_for(tertial)
    followups: dict = {}
    for record in DeviationFollowUp.objects.filter(year=tertial.year, tertial=tertial.tertial
                                                   ).order_by("pk"):
        followups.setdefault((record.measure, record.region_id), []).append(
            {"id": record.pk, "kind": record.kind, "closed": record.closed_at is not None})
    measures = []
    for measure, definition in DEFINITIONS.items():
        if measure in MEDIAN_MEASURES:
            centre, comparisons = _median_comparisons(measure, window, region_ids, counts)
        else:
            centre, comparisons = _share_comparisons(measure, region_ids, counts)
        rows = []
        for r in region_ids:
            figure = counts.cells[(measure, r, CURRENT)]
            target = target_in_force(targets, measure=measure, region_id=r, tertial=tertial)
            value = _rounded(measure, figure.value)
            rows.append({
                "region": r, **_figure_json(measure, figure),
                "target": target, "meets_target": meets(target, value),
                "deviations": [_deviation_json(measure, c) for c in
                               (comparisons[(r, "region")], comparisons[(r, "trend")])
                               if c.flagged()],
                "trend": [{"year": t.year, "tertial": t.tertial, "label": t.label,
                           "value": _rounded(measure, counts.cells[(measure, r, i)].value),
                           "count": counts.cells[(measure, r, i)].count}
                          for i, t in enumerate(window)],
                "followups": followups.get((measure, r), []),
            })
        measures.append({
            "measure": measure, "name": definition.name, "unit": definition.unit,
            "definition": str(definition.definition),
            "target": target_in_force(targets, measure=measure, region_id=None,
                                      tertial=tertial),
            "centre": _figure_json(measure, centre), "regions": rows})
    no_data = not any(counts.cases.get((r, CURRENT)) or counts.calls.get((r, CURRENT))
                      for r in region_ids)
    return {"year": tertial.year, "tertial": tertial.tertial, "label": tertial.label,
            "from": tertial.first_day.isoformat(), "to": tertial.last_day.isoformat(),
            "alpha": settings.FOLLOWUP_DEVIATION_ALPHA, "no_data": no_data,
            "regions": [{"id": r.pk, "code": r.code, "name": r.name} for r in regions],
            "measures": measures}
