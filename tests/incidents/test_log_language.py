"""The incident's log is read in the reader's language: a step a Norwegian user took is kept
as its source message and params, and reads in Swedish on a Swedish screen and in the
timeline's export (and in English for an English reader); rows written before keep their
words."""

import csv
import io

import pytest
from django.utils import translation

from incidents.models import IncidentLogEntry
from incidents.selectors.incidents import incident_detail, incident_get
from incidents.selectors.log import log_text
from incidents.services.lifecycle import incident_raise
from incidents.services.log import log_write
from incidents.services.triage import triage_decide
from tests.incidents.report_helpers import incident_make

pytestmark = pytest.mark.django_db


def _log(incident, viewer, language: str) -> list[str]:
    with translation.override(language):
        return [e["text"] for e in incident_detail(incident_get(pk=incident.pk),
                                                   viewer=viewer)["log"]]


def test_a_norwegian_users_step_reads_in_the_readers_language(demo, api, settings):
    tove = demo.users["tove"]
    incident = incident_make(demo, title="Bussolycka E18")
    with translation.override("nb"):
        triage_decide(incident=incident, by=tove, active=True,
                      indicators=["prolonged_extrication"], note="Buss i diket")
    entry = IncidentLogEntry.objects.get(incident=incident, kind="triage_on")
    assert entry.text == "Mass-casualty triage switched on: %(indicators)s (%(note)s)"
    assert entry.data["params"]["note"] == "Buss i diket"
    assert _log(incident, tove, "sv") == [
        "Masskadetriage påslagen: Långvarig losstagning (Buss i diket)"]
    assert _log(incident, tove, "en") == [
        "Mass-casualty triage switched on: Prolonged extrication (Buss i diket)"]
    assert _log(incident, tove, "nb") == [
        "Masseskadetriage slått på: Langvarig frigjøring (Buss i diket)"]
    settings.LANGUAGE_CODE = "sv"
    with translation.override("sv"):
        answer = api(demo.greta).get(f"/api/incidents/{incident.pk}/timeline/",
                                     {"format": "csv"})
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert any("Masskadetriage påslagen: Långvarig losstagning (Buss i diket)" in r
               for r in rows)
    assert not any("Masseskadetriage" in cell for r in rows for cell in r)


def test_a_raise_is_logged_as_its_source_message(demo):
    with translation.override("nb"):
        incident, _ = incident_raise(by=demo.anna, title="Tågurspårning Arboga", report=None,
                                     cases=[], region=demo.vml)
    entry = IncidentLogEntry.objects.get(incident=incident, kind="raised")
    assert entry.text == "Possible major incident raised by %(name)s: %(title)s"
    with translation.override("sv"):
        assert log_text(entry).startswith("Möjlig särskild händelse larmad av ")
        assert log_text(entry).endswith(": Tågurspårning Arboga")


def test_a_row_written_before_keeps_its_words(demo):
    incident = incident_make(demo)
    entry = log_write(incident=incident, kind="confirmed", text="Bekräftad av Tove")
    IncidentLogEntry.objects.filter(pk=entry.pk).update(data={})
    entry.refresh_from_db()
    with translation.override("en"):
        assert log_text(entry) == "Bekräftad av Tove"
