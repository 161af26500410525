"""The patient's log extract as a printable page (*loggutdrag*): what an administrator hands to
the patient, in Swedish by default (English and Norwegian on request), each read in words,
with the patient's identity, the period and the centre's name; the JSON stays for
integrations; opening the page is itself recorded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AccessLogEntry
from audit.services import PatientRef, access_log_write

TOLVAN, OTHER = "19121212-1212", "19790101-2385"
PAGE = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # a browser's Accept


def write(user, patient, case_ref, reason, object_type="case"):
    access_log_write(user=user, reason=reason, refs=[
        PatientRef(patient=patient, case_ref=case_ref, object_type=object_type,
                   object_id="1")])


@pytest.fixture
def history(demo):
    demo.anna.first_name, demo.anna.last_name = "Anna", "Andersson"
    demo.anna.save()
    write(demo.anna, TOLVAN, "VML-1", "case opened")
    write(demo.sara, TOLVAN, "VML-1", "assignment acknowledged (replay)")
    write(demo.karin, TOLVAN, "VML-1", "referral accepted", object_type="referral")
    write(demo.anna, OTHER, "UPP-2", "case opened")
    write(demo.anna, TOLVAN, "VML-1", "a reason the table does not know")


def page(api, demo, **query):
    return api(demo.admin).get("/api/audit/extract/", {"patient": TOLVAN, **query},
                               HTTP_ACCEPT=PAGE)


def test_a_browser_gets_a_printable_swedish_page_with_each_read_in_words(demo, api, history,
                                                                        settings):
    settings.CARE_UNIT_NAME = "SOS Alarm Västerås"
    response = page(api, demo, name="Tolvan Tolvansson")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "private, no-store"
    assert "script-src" not in response["Content-Security-Policy"]
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "Loggutdrag: vem har läst dina uppgifter" in html
    assert "SOS Alarm Västerås" in html
    assert "Tolvan Tolvansson" in html and f"<td>{TOLVAN}</td>" in html
    assert "Personnummer" in html
    # who, in words: the name, the role
    assert "Anna Andersson" in html and "Larmoperatör" in html
    # what and why in words; the device's resent request says so; an unknown reason as is
    assert "Läste ärendet på larmcentralen" in html
    assert "Ärendet öppnades" in html
    assert "Ambulanspersonalen kvitterade uppdraget (skickat igen av enheten)" in html
    assert "Läste hänvisningen till en mobil vårdenhet" in html
    assert "a reason the table does not know" in html
    assert html.count("<tr>\n    <td class=\"when\">") == 4  # the other patient is not there
    assert "UPP-2" not in html and OTHER not in html
    # no codes on the page
    for code in ("case opened", "assignment acknowledged", "dispatcher", "referral accepted",
                 "(replay)"):
        assert code not in html
    assert "@media print" in html


def test_opening_the_page_is_recorded_as_an_export_of_the_patients_log(demo, api, history):
    before = AccessLogEntry.objects.count()
    assert page(api, demo).status_code == 200
    [entry] = AccessLogEntry.objects.all()[: AccessLogEntry.objects.count() - before]
    assert (entry.username, entry.patient, entry.action, entry.object_type, entry.reason) == (
        "admin", TOLVAN, "export", "access_log", "patient log extract printed")
    # The next extract lists that reading, in words.
    html = page(api, demo).content.decode()
    assert "Exporterade detta loggutdrag" in html


@pytest.mark.parametrize("lang, heading, read", [
    ("en", "Log extract: who has read your data", "Read the case at the dispatch centre"),
    ("nb", "Loggutskrift: hvem har lest opplysningene dine", "Leste saken på AMK-sentralen"),
])
def test_the_page_is_available_in_english_and_norwegian(demo, api, history, lang, heading,
                                                        read):
    html = page(api, demo, lang=lang).content.decode()
    assert f'<html lang="{lang}">' in html
    assert heading in html and read in html


def test_the_period_limits_the_entries_and_is_printed(demo, api, history):
    today = timezone.localdate()
    html = page(api, demo, since=str(today - timedelta(days=30)), until=str(today)).content
    html = html.decode()
    assert f"{today - timedelta(days=30):%Y-%m-%d} – {today:%Y-%m-%d}" in html
    assert "Anna Andersson" in html
    before = page(api, demo, until=str(today - timedelta(days=1))).content.decode()
    assert "Anna Andersson" not in before
    assert "Ingen har läst eller ändrat dina uppgifter under perioden." in before


@pytest.mark.parametrize("query, message", [
    ({"since": "igår"}, "Ange periodens datum som ÅÅÅÅ-MM-DD"),
    ({"since": "2026-02-30"}, "Ange periodens datum som ÅÅÅÅ-MM-DD"),
    ({"until": "2026-13-01"}, "Ange periodens datum som ÅÅÅÅ-MM-DD"),
    ({"since": "2026-05-02", "until": "2026-05-01"}, "Periodens första dag kommer efter"),
])
def test_a_bad_period_is_a_400_that_says_what_to_type_and_records_nothing(
        demo, api, history, query, message):
    before = AccessLogEntry.objects.count()
    response = page(api, demo, **query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert AccessLogEntry.objects.count() == before
    assert api(demo.admin).get("/api/audit/extract/",
                               {"patient": TOLVAN, **query}).status_code == 400


def test_without_a_patient_the_page_is_the_administrators_form(demo, api, history):
    before = AccessLogEntry.objects.count()
    response = api(demo.admin).get("/api/audit/extract/", HTTP_ACCEPT=PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Loggutdrag för en patient" in html and 'name="patient"' in html
    assert "form-action 'self'" in response["Content-Security-Policy"]
    assert AccessLogEntry.objects.count() == before


def test_integrations_still_get_json(demo, api, history):
    response = api(demo.admin).get("/api/audit/extract/", {"patient": TOLVAN})
    assert response["Content-Type"] == "application/json"
    assert [e["reason"] for e in response.json()["entries"]][:2] == [
        "case opened", "assignment acknowledged (replay)"]
    forced = api(demo.admin).get("/api/audit/extract/", {"patient": TOLVAN, "format": "json"},
                                 HTTP_ACCEPT=PAGE)
    assert forced.json()["patient"] == TOLVAN


@pytest.mark.parametrize("who", [None, "anna", "sara", "lars", "karin", "ulla"])
def test_only_an_administrator_opens_the_page(demo, api, history, who):
    user = getattr(demo, who) if who else None
    before = AccessLogEntry.objects.count()
    response = api(user).get("/api/audit/extract/", {"patient": TOLVAN}, HTTP_ACCEPT=PAGE)
    assert response.status_code == 403
    assert TOLVAN not in response.content.decode()
    assert AccessLogEntry.objects.count() == before


def test_the_admins_access_log_links_to_the_extracts_form(demo, client, history):
    client.force_login(demo.admin)
    html = client.get("/admin/audit/accesslogentry/").content.decode()
    assert 'href="/api/audit/extract/?format=html"' in html
    form = client.get("/api/audit/extract/?format=html")
    assert form.status_code == 200 and 'name="patient"' in form.content.decode()
