"""Every read of patient data in the Django admin is in the access log, as in the API.

Two guards over every admin registered (taken from the admin site, so a new one is covered):
an admin of a model that leads to a case (by foreign keys) must be an `audit.admin.
RecordedAdmin`, and no admin page may show the world's patient without writing the log for
them (the markers of tests/audit/patient_data.py).
"""

import io
from datetime import timedelta

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.admin import RecordedAdmin
from audit.models import AccessLogEntry
from audit.services import PatientRef, access_log_write
from dispatch.models import Case
from dispatch.services import assignment_dispatch
from imaging.models import CallerImage, ImageForward, ImageLink, ImageState
from ivpa.models import AlertReport, Callout
from push.models import SmsMessage
from tests.audit.patient_data import (
    CALLER_PHONE,
    IMAGE_NOTE,
    PATIENT,
    log_mark,
    patient_data_in,
    shown_unrecorded,
)

# Admins that show the world's patient data and do not record it, each with the reason.
UNRECORDED: dict[str, str] = {}
# Admins of patient data an administrator writes, each with the reason; their saves go through
# the app's services (which check and publish) and are logged (tests/careplans/test_rights.py).
CHANGED_THROUGH_SERVICES: dict[str, str] = {
    "careplans.careplan": "a care unit's plan reaches the centre through its administrator",
}

ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


def leads_to_case(model, depth: int = 4) -> bool:
    """Whether `model` is a case or points to one through its own foreign keys."""
    if model is Case:
        return True
    if depth == 0:
        return False
    return any(leads_to_case(field.related_model, depth - 1)
               for field in model._meta.concrete_fields
               if field.is_relation and field.related_model is not None)


@pytest.mark.parametrize(("model", "model_admin"), ADMINS,
                         ids=[m._meta.label_lower for m, _ in ADMINS])
def test_an_admin_of_patient_data_records_its_reads(model, model_admin):
    if leads_to_case(model) or model is AccessLogEntry:
        assert isinstance(model_admin, RecordedAdmin), (
            f"{type(model_admin).__name__} shows {model._meta.label}, which belongs to a case: "
            "base it on audit.admin.RecordedAdmin and say whose data a row is (access_ref)")


@pytest.fixture
def world(demo, new_case):
    """The patient's case with a unit on it, a caller image (and the SMS of its link), an IVPA
    callout with a responder's report, a referral, and a read of the case in the log."""
    case = new_case()
    [assignment] = assignment_dispatch(case=case, units=[demo.amb1010], by=demo.anna)
    sms = SmsMessage.objects.create(to=CALLER_PHONE, message="Skicka en bild", backend="test")
    link = ImageLink.objects.create(case=case, phone=CALLER_PHONE, token_hash="0" * 64,
                                    created_by=demo.anna, expires_at=case.registered_at,
                                    max_images=5, images_received=1, sms=sms)
    image = CallerImage.objects.create(case=case, link=link, upload_id="admin-0001",
                                       state=ImageState.READY, note=IMAGE_NOTE)
    ImageForward.objects.create(image=image, assignment=assignment, forwarded_by=demo.anna)
    call_command("seed_ivpa_demo", stdout=io.StringIO())
    callout = Callout.objects.get(case=new_case(municipality="Västerås",
                                                case_type="cardiac_arrest"))
    AlertReport.objects.create(alert=callout.alerts.first(), cpr_started=True, wellbeing=4,
                               submitted_at=timezone.now())
    call_command("seed_referrals_demo", stdout=io.StringIO())
    from referrals.models import MobileCareProfile
    from referrals.services import referral_send

    MobileCareProfile.objects.update(opening_hours="24/7")
    referral_send(case=new_case(priority="referral", mbs_priority="referral",
                                municipality="Västerås"),
                  unit=demo.units["MVE 1500"], by=demo.anna, line="cold",
                  deadline=timezone.now() + timedelta(hours=4), callback_number=CALLER_PHONE,
                  handover={"reason": "Kateterstopp"})
    from safety.services.panic import panic_raise

    panic_raise(user=demo.sara, idempotency_key="admin-panic-0001")  # on the case's unit
    access_log_write(user=demo.anna, reason="case opened", refs=[PatientRef(
        patient=PATIENT, case_ref=case.reference, object_type="case", object_id=str(case.pk))])
    return case


def admin_pages(model):
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    pages = [reverse(f"{name}_changelist")]
    first = model._default_manager.order_by("pk").first()
    if first is not None:
        pages.append(reverse(f"{name}_change", args=[first.pk]))
    return pages


@pytest.mark.parametrize(("model", "model_admin"), ADMINS,
                         ids=[m._meta.label_lower for m, _ in ADMINS])
def test_no_admin_page_shows_the_patient_unrecorded(world, demo, client, model, model_admin):
    client.force_login(demo.admin)
    label = model._meta.label_lower
    for page in admin_pages(model):
        mark = log_mark()
        response = client.get(page)
        assert response.status_code == 200, page
        if isinstance(model_admin, RecordedAdmin) and model._default_manager.exists():
            assert AccessLogEntry.objects.filter(id__gt=mark, user=demo.admin).exists(), page
        if label in UNRECORDED:
            assert patient_data_in(response), f"{label} no longer shows patient data: " \
                "drop it from UNRECORDED"
            continue
        assert shown_unrecorded(response, since=mark) == [], page


def test_the_admin_records_a_list_per_row_and_an_opened_case(world, demo, client):
    client.force_login(demo.admin)
    mark = log_mark()
    assert client.get("/admin/dispatch/case/").status_code == 200
    listed = AccessLogEntry.objects.filter(id__gt=mark).order_by("id")
    assert sorted(int(e.object_id) for e in listed) == sorted(
        Case.objects.values_list("pk", flat=True))
    assert {(e.username, e.action, e.object_type, e.reason) for e in listed} == {
        ("admin", "read", "case", "listed in the admin")}
    mark = log_mark()
    assert client.get(f"/admin/dispatch/case/{world.pk}/change/").status_code == 200
    [opened] = AccessLogEntry.objects.filter(id__gt=mark)
    assert (opened.patient, opened.case_ref, opened.reason, opened.object_id) == (
        PATIENT, world.reference, "opened in the admin", str(world.pk))


RECORDED = [(m, a) for m, a in ADMINS if isinstance(a, RecordedAdmin)]


@pytest.mark.parametrize(("model", "model_admin"), RECORDED,
                         ids=[m._meta.label_lower for m, _ in RECORDED])
def test_patient_data_is_read_only_in_the_admin(demo, rf, model, model_admin):
    """Changes go through the services, which log and publish them; an administrator may
    look (logged), never add, change or delete."""
    request = rf.get("/admin/")
    request.user = demo.admin
    assert model_admin.has_view_permission(request)
    written = model._meta.label_lower in CHANGED_THROUGH_SERVICES
    assert model_admin.has_add_permission(request) is written
    assert model_admin.has_change_permission(request) is written
    assert not model_admin.has_delete_permission(request)


def test_a_case_cannot_be_changed_added_or_deleted_in_the_admin(world, demo, client):
    client.force_login(demo.admin)
    assignment = world.assignments.get()
    page = f"/admin/dispatch/case/{world.pk}/change/"
    shown = client.get(page)
    assert shown.status_code == 200 and b'name="_save"' not in shown.content
    assert b'name="assignments-0-status"' not in shown.content  # the inline is read-only too
    assert client.post(page, {"priority": "2B", "status": "closed"}).status_code == 403
    assert client.post(f"/admin/dispatch/assignment/{assignment.pk}/change/",
                       {"status": "acknowledged"}).status_code == 403
    assert client.get("/admin/dispatch/case/add/").status_code == 403
    assert client.post(f"/admin/dispatch/case/{world.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    world.refresh_from_db()
    assignment.refresh_from_db()
    assert (world.priority, world.status, assignment.status) == ("1A", "open", "alerted")


def test_a_search_by_identity_number_is_recorded_even_when_it_finds_nothing(world, demo,
                                                                             client):
    client.force_login(demo.admin)
    for page in ("/admin/dispatch/case/?q=19790101-2385",
                 "/admin/dispatch/case/?personal_identity_number=19790101-2385",
                 "/admin/dispatch/case/?q=Stora+197901012385"):
        mark = log_mark()
        response = client.get(page)
        assert response.status_code == 200 and not response.context["cl"].result_list
        [lookup] = AccessLogEntry.objects.filter(id__gt=mark)
        assert (lookup.username, lookup.action, lookup.reason) == (
            "admin", "read", "looked up in the admin"), page
        assert lookup.patient in ("19790101-2385", "197901012385")
        assert (lookup.object_type, lookup.object_id) == ("admin_search", "dispatch.case")
    # The log's own search is a lookup too (and then finds itself).
    mark = log_mark()
    client.get("/admin/audit/accesslogentry/", {"q": "20010101-0007"})
    assert AccessLogEntry.objects.filter(id__gt=mark, patient="20010101-0007",
                                         reason="looked up in the admin").count() == 1


def test_a_search_that_finds_the_patient_records_the_lookup_and_the_rows(world, demo,
                                                                        client):
    client.force_login(demo.admin)
    mark = log_mark()
    response = client.get(f"/admin/dispatch/case/?q={PATIENT}")
    found = sorted(c.pk for c in response.context["cl"].result_list)
    assert world.pk in found and found == sorted(
        Case.objects.filter(personal_identity_number=PATIENT).values_list("pk", flat=True))
    logged = AccessLogEntry.objects.filter(id__gt=mark)
    assert sorted(int(e.object_id) for e in logged if e.reason == "listed in the admin") == found
    assert [(e.patient, e.object_type) for e in logged if e.reason == "looked up in the admin"
            ] == [(PATIENT, "admin_search")]


def test_patient_data_is_not_offered_in_the_admins_pickers(world, demo, client):
    client.force_login(demo.admin)
    response = client.get("/admin/autocomplete/", {
        "app_label": "dispatch", "model_name": "assignment", "field_name": "case",
        "term": PATIENT})
    assert response.status_code == 403
    assert world.reference not in response.content.decode()


def test_the_sms_admin_is_read_only_and_finds_a_number_only_whole(world, demo, client):
    client.force_login(demo.admin)
    sms = SmsMessage.objects.get(to=CALLER_PHONE)
    changelist = reverse("admin:push_smsmessage_changelist")
    for part in (CALLER_PHONE[:-1], CALLER_PHONE[-4:], "9990"):
        assert not client.get(changelist, {"q": part}).context["cl"].result_list, part
    for whole in (CALLER_PHONE, "070-999 00 11"):
        assert [s.pk for s in client.get(changelist, {"q": whole}).context["cl"].result_list
                ] == [sms.pk]
    page = reverse("admin:push_smsmessage_change", args=[sms.pk])
    assert client.post(page, {"to": "+46700000000"}).status_code == 403
    assert client.post(reverse("admin:push_smsmessage_delete", args=[sms.pk]),
                       {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:push_smsmessage_add")).status_code == 403
    assert SmsMessage.objects.filter(pk=sms.pk, to=CALLER_PHONE).exists()


def test_a_search_for_a_callers_whole_number_in_the_sms_admin_is_in_the_access_log(
        world, demo, client):
    """Review of issue 12, item 11: it tells which texts (and by their tag which case's link)
    went to that caller. push cannot name the patient behind a number: the number is the key,
    written even when nothing is found; a search that finds no number by it writes nothing."""
    client.force_login(demo.admin)
    changelist = reverse("admin:push_smsmessage_changelist")
    mark = log_mark()
    for term in ("070-999 00 11", "+46701112233", CALLER_PHONE[-4:], "admin", ""):
        assert client.get(changelist, {"q": term}).status_code == 200
    logged = AccessLogEntry.objects.filter(id__gt=mark)
    assert sorted((e.patient, e.object_type, e.object_id, e.reason, e.username)
                  for e in logged) == sorted([
        (CALLER_PHONE, "admin_search", "push.smsmessage", "looked up in the admin", "admin"),
        ("+46701112233", "admin_search", "push.smsmessage", "looked up in the admin",
         "admin")])


def test_the_sms_admin_shows_a_callers_number_masked_and_no_link_secret(world, demo, client):
    token = "Zx9" * 12
    sms = SmsMessage.objects.create(to=CALLER_PHONE, backend="test",
                                    message=f"Skicka en bild: https://larm.example/b/{token}")
    client.force_login(demo.admin)
    for page in (reverse("admin:push_smsmessage_changelist"),
                 reverse("admin:push_smsmessage_change", args=[sms.pk])):
        text = client.get(page).content.decode()
        assert CALLER_PHONE not in text and token not in text
        assert CALLER_PHONE[:3] + "•" in text
