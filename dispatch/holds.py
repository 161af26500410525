"""Units held for something else (*utlovade enheter*): a feature app tells dispatch which
units it holds and why (incidents: units of this centre's own regions pledged to a major
incident), without dispatch knowing it. A held unit is not recommended and is sent only with
an override reason (dispatch/dispatchable.py, reason "held"), except to a case the holder
names as its own (an incident's own cases)."""

from collections.abc import Callable, Collection

# source(unit_ids, case_id) -> {unit id: the words the dispatcher reads}; unit_ids None: all
# units. A unit held for `case_id` itself is left out. One query per source: it is asked on
# every ranking of the recommended units.
HoldSource = Callable[[Collection[int] | None, int | None], dict[int, str]]
_sources: list[HoldSource] = []


def register_unit_hold_source(source: HoldSource) -> None:
    """A feature app adds the units it holds (incidents/registrations.py)."""
    if source not in _sources:
        _sources.append(source)


def units_held(*, unit_ids: Collection[int] | None = None,
               case_id: int | None = None) -> dict[int, str]:
    """Each held unit of `unit_ids` (None: of all units) that may not go to `case_id` without
    a reason: {unit id: why, in words}. The first source that holds a unit tells why."""
    if unit_ids is not None and not unit_ids:
        return {}
    held: dict[int, str] = {}
    for source in _sources:
        for unit_id, text in source(unit_ids, case_id).items():
            held.setdefault(unit_id, text)
    return held
