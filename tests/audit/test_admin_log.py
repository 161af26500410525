"""Every read of patient data in the Django admin is in the access log, as in the API.

Two guards over every admin registered (taken from the admin site, so a new one is covered):
an admin of a model that leads to a case (by foreign keys) must be an `audit.admin.
RecordedAdmin`, and no admin page may show the world's patient without writing the log for
them (the markers of tests/audit/patient_data.py).
"""

import io
from datetime import timedelta

import pytest
from django import forms
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


def test_a_change_in_the_admin_is_recorded_as_an_update(world, demo, client):
    client.force_login(demo.admin)
    page = f"/admin/dispatch/assignment/{world.assignments.get().pk}/change/"
    form = client.get(page).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name)
        if value is None or value is False:
            continue
        if isinstance(field, forms.SplitDateTimeField):
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = local.strftime("%Y-%m-%d %H:%M:%S").split()
        else:
            data[name] = getattr(value, "pk", value)
    data["status"] = "acknowledged"
    mark = log_mark()
    response = client.post(page, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    [changed] = AccessLogEntry.objects.filter(id__gt=mark, action="update")
    assert (changed.patient, changed.reason) == (PATIENT, "changed in the admin")


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
