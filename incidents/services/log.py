"""The incident's log (*händelselogg*): one row per step, written in the step's transaction,
so a step and its log entry are stored together or not at all. Its words are stored as the
English source message and its params, and put in the reader's language when read
(incidents.selectors.log.log_text): a step a Norwegian user took reads in Swedish on a
Swedish screen and in the timeline's exports."""

from django.db.models import Choices
from django.utils import timezone, translation

from ..models import AlarmRegion, IncidentLogEntry, MajorIncident


def log_label(choices: type[Choices], value: str, *, lower: bool = False) -> dict:
    """A param that is a choice's words: kept as its source message, translated when read."""
    with translation.override(None):
        return {"t": str(choices(value).label), "lower": lower}


def log_write(*, incident: MajorIncident, kind: str, text: str, params: dict | None = None,
              by=None, by_name: str = "", alarm_region: AlarmRegion | None = None,
              data: dict | None = None, at=None) -> IncidentLogEntry:
    """Append one step: `kind` a code for integrations and the timeline, `text` the source
    message (gettext_noop, not translated), `params` its %(name)s values (str, numbers,
    log_label(...) or {"list": [...], "sep": ", "} of those), `by` the user or `by_name` a
    person outside the product (a region's TiB who acknowledged by link)."""
    if by is not None and not by_name:
        by_name = getattr(by, "display_name", "") or getattr(by, "username", "")
    data = dict(data or {})
    data["params"] = params or {}
    return IncidentLogEntry.objects.create(
        incident=incident, at=at or timezone.now(), kind=kind, by=by, by_name=by_name[:120],
        alarm_region=alarm_region, text=text[:500], data=data)
