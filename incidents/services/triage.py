"""Mass-casualty triage (*masskadetriage*): TiB switches to it on a confirmed incident, on
indicators from the configured list, and back; the stand-down ends it. While it holds the
console offers the triage categories on a case and the crews' screens show the mode."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.roles import is_tib
from core.choices import choice_label
from core.errors import Conflict, Forbidden, Invalid
from core.text import text_clean

from ..models import IncidentState, MajorIncident, TriageDecision
from ..selectors.reports import triage_latest
from ..triage_indicators import TriageIndicator, indicators_configured
from .events import incident_event_publish, incident_mode_publish
from .log import log_label, log_write

NOTE_MAX = TriageDecision._meta.get_field("note").max_length


def _offered() -> str:
    return "; ".join(f"{code} ({choice_label(TriageIndicator, code)})"
                     for code in indicators_configured())


def triage_indicators_checked(indicators, *, active: bool) -> list[str]:
    """The indicators as stored: known codes of the configured list, each once, in the list's
    order; at least one to switch on."""
    if isinstance(indicators, str):
        indicators = [indicators]
    if not isinstance(indicators, list | tuple):
        raise Invalid(_("Give the indicators as a list of codes: %(codes)s.")
                      % {"codes": _offered()}, field="indicators")
    offered = indicators_configured()
    unknown = [code for code in indicators if code not in offered]
    if unknown:
        raise Invalid(_("Unknown indicator “%(code)s”; choose among %(codes)s.")
                      % {"code": unknown[0], "codes": _offered()}, field="indicators")
    if active and not indicators:
        raise Invalid(_("Choose at least one indicator the switch is made on: %(codes)s.")
                      % {"codes": _offered()}, field="indicators")
    return [code for code in offered if code in set(indicators)]


def _record(*, incident: MajorIncident, by, active: bool, indicators: list[str],
            note: str) -> TriageDecision:
    decision = TriageDecision.objects.create(
        incident=incident, active=active, indicators=indicators, note=note, decided_by=by,
        decided_at=timezone.now())
    params = {"indicators": {"list": [log_label(TriageIndicator, c) for c in indicators]},
              "note": note}
    if active:
        text = (gettext_noop("Mass-casualty triage switched on: %(indicators)s (%(note)s)")
                if note else gettext_noop("Mass-casualty triage switched on: %(indicators)s"))
    else:
        text = (gettext_noop("Mass-casualty triage switched off (%(note)s)") if note
                else gettext_noop("Mass-casualty triage switched off"))
    log_write(incident=incident, kind="triage_on" if active else "triage_off", by=by,
              text=text, params=params, at=decision.decided_at,
              data={"active": active, "indicators": indicators})
    incident_event_publish(incident=incident, type_="incident.triage", data={"active": active})
    incident_mode_publish()
    return decision


@transaction.atomic
def triage_decide(*, incident: MajorIncident, by, active: bool, indicators,
                  note: str = "") -> TriageDecision:
    """TiB switches mass-casualty triage on (on the indicators given) or off for a confirmed
    incident: recorded (who, when, on what), logged, and told to the consoles and the crews.
    Switching on while it holds records the new indicators."""
    if not is_tib(by):
        raise Forbidden(_("Only TiB decides on mass-casualty triage."))
    if not isinstance(active, bool):
        raise Invalid(_("Say whether triage is switched on or off (active: true or false)."),
                      field="active")
    indicators = triage_indicators_checked(indicators, active=active)
    note = text_clean(note).strip() if isinstance(note, str) else ""
    if len(note) > NOTE_MAX:
        raise Invalid(_("Keep the note to %(n)s characters.") % {"n": NOTE_MAX}, field="note")
    incident = MajorIncident.objects.select_for_update().get(pk=incident.pk)
    if incident.state != IncidentState.CONFIRMED:
        raise Conflict(_("Mass-casualty triage is decided on a confirmed major incident; this "
                         "one is %(state)s.")
                       % {"state": str(incident.get_state_display()).lower()})
    latest = triage_latest(incident)
    if not active and (latest is None or not latest.active):
        raise Conflict(_("Mass-casualty triage is not switched on for this incident."))
    return _record(incident=incident, by=by, active=active, indicators=indicators, note=note)


def triage_end(*, incident: MajorIncident, by) -> TriageDecision | None:
    """The stand-down ends mass-casualty triage (called by the stand-down in its transaction):
    a decision to switch off by whoever stood the incident down, or None when it did not
    hold."""
    latest = triage_latest(incident)
    if latest is None or not latest.active:
        return None
    return _record(incident=incident, by=by, active=False, indicators=[],
                   note=_("the incident was stood down"))
