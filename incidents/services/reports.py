"""The initial situation report (*initial lägesbild*) by the METHANE template: written by the
dispatcher or TiB, each save a new version (the latest is the one in force), shared with the
regions in the alarm once the incident is confirmed."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.roles import follows_incidents
from core.errors import Conflict, Forbidden, Invalid
from core.text import text_clean

from ..methane import COUNT_FIELDS, FIELDS, TEXT_FIELDS, field_label
from ..models import IncidentState, MajorIncident, SituationReport
from .events import incident_event_publish
from .log import log_write

# A count no incident reaches: a typo, not a figure.
COUNT_MAX = 100_000
# How often a version taken by a writer at the same moment is tried again with the next one.
VERSION_ATTEMPTS = 5
WRITABLE_STATES = (IncidentState.RAISED, IncidentState.CONFIRMED)


def _count(name: str, value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= COUNT_MAX:
        raise Invalid(_("%(field)s is a number of people: a whole number from 0 to %(max)s, or "
                        "left empty when not known.")
                      % {"field": field_label(name), "max": COUNT_MAX}, field=name)
    return value


def _text(name: str, value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid(_("%(field)s is text.") % {"field": field_label(name)}, field=name)
    value = text_clean(value).strip()
    limit = SituationReport._meta.get_field(name).max_length
    if len(value) > limit:
        raise Invalid(_("%(field)s is too long: keep it to %(n)s characters (it has %(has)s).")
                      % {"field": field_label(name), "n": limit, "has": len(value)}, field=name)
    return value


def report_fields_checked(fields: dict) -> dict:
    """The report's fields as stored: texts trimmed and within their length, counts whole
    numbers of at least 0, the casualties by category not more than the total."""
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise Invalid(_("The report has no field “%(field)s”; its fields are %(fields)s.")
                      % {"field": unknown[0], "fields": ", ".join(FIELDS)})
    checked = {}
    for name, value in fields.items():
        if name in COUNT_FIELDS:
            checked[name] = _count(name, value)
        elif name in TEXT_FIELDS:
            checked[name] = _text(name, value)
        elif not isinstance(value, bool):
            raise Invalid(_("%(field)s is yes or no (true or false).")
                          % {"field": field_label(name)}, field=name)
        else:
            checked[name] = value
    return checked


def casualties_sum_checked(values: dict) -> None:
    total = values.get("casualties_total")
    parts = [values.get(n) for n in COUNT_FIELDS[1:] if values.get(n) is not None]
    if total is not None and sum(parts) > total:
        raise Invalid(_("The casualties by category (%(sum)s together) are more than the total "
                        "(%(total)s): correct the total or the categories.")
                      % {"sum": sum(parts), "total": total}, field="casualties_total")


def _carried(incident: MajorIncident) -> tuple[int, dict]:
    """The latest version's number and values: a new version starts from them."""
    latest = SituationReport.objects.filter(incident=incident).order_by("-version").first()
    if latest is None:
        return 0, {}
    return latest.version, {name: getattr(latest, name) for name in FIELDS}


@transaction.atomic
def _report_insert(*, incident: MajorIncident, by, fields: dict) -> SituationReport:
    incident = MajorIncident.objects.select_for_update().get(pk=incident.pk)
    if incident.state not in WRITABLE_STATES:
        raise Conflict(_("The incident is %(state)s: its situation report can no longer be "
                         "changed.") % {"state": str(incident.get_state_display()).lower()})
    version, values = _carried(incident)
    values.update(fields)
    casualties_sum_checked(values)
    # Two writers at once: the unique (incident, version) refuses the second, which tries
    # again with the next version (a savepoint, so the caller's transaction goes on).
    version += 1
    with transaction.atomic():
        report = SituationReport.objects.create(
            incident=incident, version=version, written_by=by, written_at=timezone.now(),
            **{name: values.get(name, _empty(name)) for name in FIELDS})
    log_write(incident=incident, kind="report", by=by, data={"version": version},
              text=gettext_noop("Situation report version %(version)d written"),
              params={"version": version},
              at=report.written_at)
    incident_event_publish(incident=incident, type_="incident.report",
                           data={"version": version})
    if incident.state == IncidentState.CONFIRMED:
        from .alarm import incident_alarm_update

        incident_alarm_update(incident=incident)
    return report


def _empty(name: str):
    if name in COUNT_FIELDS:
        return None
    return False if name == "major_incident_declared" else ""


def report_write(*, incident: MajorIncident, by, **fields) -> SituationReport:
    """A new version of the incident's situation report (*lägesbild*): the fields given, the
    others as the latest version had them. A dispatcher or TiB writes it; a report of a
    rejected or stood-down incident is a 409. Once confirmed, the regions get it (a CAP
    Update)."""
    if not follows_incidents(by):
        raise Forbidden(_("Only a dispatcher or TiB writes the situation report."))
    checked = report_fields_checked(fields)
    for _attempt in range(VERSION_ATTEMPTS):
        try:
            return _report_insert(incident=incident, by=by, fields=checked)
        except IntegrityError:
            continue
    raise Conflict(_("Others wrote the report at the same moment: send it again."))
