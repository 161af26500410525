"""The guards behind "every read of patient data is in the access log" do catch a read that
is not: a view or an admin page that shows the patient without writing the log."""

import ast

from django.contrib import admin

from audit.admin import RecordedAdmin
from dispatch.models import Assignment
from imaging.models import ImageForward
from push.models import SmsMessage
from tests.audit.patient_data import PATIENT, log_mark, patient_data_in, shown_unrecorded
from tests.audit.test_admin_log import leads_to_case
from tests.test_import_direction import LAYER_OF, ROOT


def test_an_answer_that_shows_the_patient_without_its_log_entry_is_caught(
        demo, api, new_case, monkeypatch):
    case = new_case()
    mark = log_mark()
    recorded = api(demo.anna).get(f"/api/cases/{case.pk}/")
    assert shown_unrecorded(recorded, since=mark) == []
    monkeypatch.setattr("dispatch.access.access_log_write", lambda **kwargs: 0)
    mark = log_mark()
    forgotten = api(demo.anna).get(f"/api/cases/{case.pk}/")
    assert forgotten.status_code == 200
    assert set(shown_unrecorded(forgotten, since=mark)) >= {PATIENT, "Tolvan Tolvansson"}


def test_an_image_is_patient_data_by_itself():
    class Bytes:
        status_code, streaming = 200, False
        content = b"\xff\xd8\xff"

        def get(self, name, default=""):
            return "image/jpeg" if name == "Content-Type" else default

    assert patient_data_in(Bytes()) == ["an image"]


def test_an_admin_page_that_forgets_its_log_entry_is_caught(demo, new_case, client,
                                                             monkeypatch):
    case = new_case()
    client.force_login(demo.admin)
    monkeypatch.setattr(RecordedAdmin, "_record", lambda self, request, objs, **kw: None)
    mark = log_mark()
    response = client.get(f"/admin/dispatch/case/{case.pk}/change/")
    assert response.status_code == 200
    assert PATIENT in shown_unrecorded(response, since=mark)


def test_the_admin_rule_knows_which_models_lead_to_a_case():
    assert leads_to_case(Assignment) and leads_to_case(ImageForward)
    assert not leads_to_case(SmsMessage)
    assert isinstance(admin.site._registry[Assignment], RecordedAdmin)


def test_only_the_recorded_reads_write_the_access_log():
    """One home per app for recording an access: its access.py (and audit's own admin base).
    A view, selector or service that wrote the log itself would be a read or change that the
    next screen cannot find by looking for `*_recorded`."""
    allowed = {"audit/services.py", "audit/admin.py"}
    writers = []
    for app in LAYER_OF:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "migrations" in path.parts or path.name == "access.py" or relative in allowed:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if any(isinstance(node, ast.Name | ast.alias | ast.Attribute) and "access_log_write"
                   in (getattr(node, "id", None), getattr(node, "name", None),
                       getattr(node, "attr", None)) for node in ast.walk(tree)):
                writers.append(relative)
    assert writers == [], (
        "these modules write the access log themselves: fetch and record through the app's "
        "access.py (`*_recorded`, or its `*_record` for a change a service made)")
