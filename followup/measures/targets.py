"""The target in force (*målvärde*) for a report: the one valid at the end of the period (the
latest valid_from on or before its last day), a region's own beating the all-regions one;
`changed_in_period` when a target of that measure and scope took effect inside the period
(after its first day), so the reader knows the figure was measured against two targets."""

from followup.models import MeasureTarget, TargetComparison

from .periods import Tertial


def targets_for(tertial: Tertial) -> list[MeasureTarget]:
    """Every target that can matter to `tertial` (one query)."""
    return list(MeasureTarget.objects.filter(valid_from__lte=tertial.last_day)
                .order_by("measure", "valid_from", "id"))


def target_in_force(targets: list[MeasureTarget], *, measure: int, region_id: int | None,
                    tertial: Tertial) -> dict | None:
    """The target of `measure` for `region_id` (None: the all-regions target) as the report
    shows it, or None."""
    own = [t for t in targets if t.measure == measure and t.region_id == region_id]
    general = [t for t in targets if t.measure == measure and t.region_id is None]
    chosen = own or general
    if not chosen:
        return None
    target = chosen[-1]
    # Only the scope in force: a region with its own target is not measured against a change
    # of the all-regions one.
    changed = any(tertial.first_day < t.valid_from <= tertial.last_day for t in chosen)
    return {"comparison": target.comparison,
            "comparison_words": str(TargetComparison(target.comparison).label),
            "value": target.value, "valid_from": target.valid_from.isoformat(),
            "changed_in_period": changed}


def meets(target: dict | None, value: float | None) -> bool | None:
    """Whether `value` meets `target`; None without either."""
    if target is None or value is None:
        return None
    if target["comparison"] == TargetComparison.AT_MOST:
        return value <= target["value"]
    return value >= target["value"]
