"""The follow-up in the Django admin: hospital visits (people, by their identity number's key)
only for administrators and every read in the access log; targets added through the service's
rules and removed only before they are in force; the rest read-only."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from followup.models import (
    DeviationFollowUp,
    DispatcherReport,
    HospitalVisit,
    ImportRun,
    MeasureTarget,
)
from tests.audit.patient_data import log_mark

KEY = "1212121212"  # 19121212-1212, the world's patient


@pytest.fixture
def visit(db):
    return HospitalVisit.objects.create(
        person_key=KEY, admitted=True, hospital="Västmanlands sjukhus Västerås",
        arrived_at=timezone.make_aware(datetime(2026, 3, 2, 14, 5)))


def test_every_hospital_visit_listed_or_opened_is_in_the_access_log(demo, client, visit):
    other = HospitalVisit.objects.create(person_key="4001010001", admitted=False,
                                         arrived_at=visit.arrived_at)
    client.force_login(demo.admin)
    mark = log_mark()
    listed = client.get(reverse("admin:followup_hospitalvisit_changelist"))
    assert listed.status_code == 200
    assert KEY in listed.content.decode()
    entries = AccessLogEntry.objects.filter(id__gt=mark)
    assert sorted((e.patient, e.object_type, e.object_id, e.reason) for e in entries) == sorted(
        [(KEY, "hospital_visit", str(visit.pk), "listed in the admin"),
         ("4001010001", "hospital_visit", str(other.pk), "listed in the admin")])
    mark = log_mark()
    opened = client.get(reverse("admin:followup_hospitalvisit_change", args=[visit.pk]))
    assert opened.status_code == 200
    [entry] = AccessLogEntry.objects.filter(id__gt=mark)
    assert (entry.username, entry.patient, entry.reason) == ("admin", KEY,
                                                             "opened in the admin")


def test_a_visit_is_found_only_by_a_whole_identity_number_and_the_search_is_logged(
        demo, client, visit):
    client.force_login(demo.admin)
    page = reverse("admin:followup_hospitalvisit_changelist")
    mark = log_mark()
    found = client.get(page, {"q": "19121212-1212"})
    assert list(found.context["cl"].result_list) == [visit]
    lookups = AccessLogEntry.objects.filter(id__gt=mark, object_type="admin_search")
    assert [(e.patient, e.object_id) for e in lookups] == [
        ("19121212-1212", "followup.hospitalvisit")]
    for part in ("1212", "121212", "12121212-12"):
        assert list(client.get(page, {"q": part}).context["cl"].result_list) == [], part
    nobody = client.get(page, {"q": "19790101-2385"})
    assert list(nobody.context["cl"].result_list) == []


@pytest.mark.parametrize("who", ["ulla", "greta", "anna"])
def test_only_administrators_see_hospital_visits(demo, client, visit, who):
    user = getattr(demo, who)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="followup"))
    client.force_login(user)
    mark = log_mark()
    assert client.get(reverse("admin:followup_hospitalvisit_changelist")).status_code == 403
    assert client.get(reverse("admin:followup_hospitalvisit_change",
                              args=[visit.pk])).status_code == 403
    assert "hospitalvisit" not in client.get(reverse("admin:index")).content.decode()
    assert not AccessLogEntry.objects.filter(id__gt=mark, patient=KEY).exists()


def test_hospital_visits_cannot_be_added_changed_or_deleted(demo, client, visit):
    client.force_login(demo.admin)
    assert client.get(reverse("admin:followup_hospitalvisit_add")).status_code == 403
    change = reverse("admin:followup_hospitalvisit_change", args=[visit.pk])
    client.post(change, {"person_key": "4001010001", "admitted": "", "hospital": "X",
                         "arrived_at_0": "2026-03-02", "arrived_at_1": "14:05:00"})
    visit.refresh_from_db()
    assert (visit.person_key, visit.admitted) == (KEY, True)
    assert client.post(reverse("admin:followup_hospitalvisit_delete", args=[visit.pk]),
                       {"post": "yes"}).status_code == 403
    assert HospitalVisit.objects.filter(pk=visit.pk).exists()


def target_form(**overrides) -> dict:
    data = {"measure": "3", "region": "", "comparison": "at_most", "value": "0.1",
            "valid_from": str(timezone.localdate() + timedelta(days=7)), "note": "Plan"}
    data.update(overrides)
    return data


def test_a_target_added_in_the_admin_follows_the_services_rules(demo, client):
    client.force_login(demo.admin)
    add = reverse("admin:followup_measuretarget_add")
    refused = client.post(add, target_form(value="1.5"))
    assert refused.status_code == 200
    assert "between 0 and 1" in str(refused.context["adminform"].form.non_field_errors())
    past = client.post(add, target_form(valid_from="2023-05-01"))
    assert "from today at the earliest" in str(past.context["adminform"].form.errors)
    saved = client.post(add, target_form())
    assert saved.status_code == 302
    target = MeasureTarget.objects.get(note="Plan")
    assert (target.measure, target.region, target.value, target.set_by) == (
        3, None, 0.1, demo.admin)
    again = client.post(add, target_form(value="0.2"))
    assert "already has a target" in str(again.context["adminform"].form.errors)


def test_only_a_target_not_yet_in_force_is_deleted_in_the_admin(demo, client):
    client.force_login(demo.admin)
    seeded = MeasureTarget.objects.get(measure=1, valid_from="2022-01-01")
    assert client.post(reverse("admin:followup_measuretarget_delete", args=[seeded.pk]),
                       {"post": "yes"}).status_code == 403
    assert MeasureTarget.objects.filter(pk=seeded.pk).exists()
    planned = MeasureTarget.objects.create(measure=1, comparison="at_most", value=70,
                                           valid_from=timezone.localdate() + timedelta(days=3))
    assert client.post(reverse("admin:followup_measuretarget_delete", args=[planned.pk]),
                       {"post": "yes"}).status_code == 302
    assert not MeasureTarget.objects.filter(pk=planned.pk).exists()
    changed = client.post(reverse("admin:followup_measuretarget_change", args=[seeded.pk]),
                          target_form(value="60"))
    assert changed.status_code == 403
    assert MeasureTarget.objects.get(pk=seeded.pk).value == 80


def test_records_runs_and_reports_are_read_only_in_the_admin(demo, client):
    now = timezone.now()
    record = DeviationFollowUp.objects.create(measure=2, region=demo.vml, year=2026,
                                              tertial=1, kind="trend", opened_by=demo.greta,
                                              opened_at=now)
    run = ImportRun.objects.create(kind="calls", file_name="samtal.csv", sha256="0" * 64,
                                   rows=3, created=2, errors=[{"line": 4, "message": "x"}],
                                   at=now)
    report = DispatcherReport.objects.create(dispatcher=demo.anna, month="2026-11-01",
                                             figures={"cases": 12}, made_at=now)
    client.force_login(demo.admin)
    for model, obj in (("deviationfollowup", record), ("importrun", run),
                       ("dispatcherreport", report)):
        assert client.get(reverse(f"admin:followup_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:followup_{model}_change",
                                  args=[obj.pk])).status_code == 200
        assert client.get(reverse(f"admin:followup_{model}_add")).status_code == 403
        assert client.post(reverse(f"admin:followup_{model}_delete", args=[obj.pk]),
                           {"post": "yes"}).status_code == 403
