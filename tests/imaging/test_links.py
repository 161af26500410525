"""Image links: the SMS to the caller, tokens that cannot be guessed or opened twice, the same
answer for every link that cannot be used, and a landing-page GET that consumes nothing."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AccessLogEntry
from core.errors import Conflict, Invalid
from dispatch.services import case_close
from dispatch.streams import DISPATCH_STREAM
from imaging import services
from imaging.models import ImageLink, UploadSession
from push.models import SmsMessage, SmsState
from realtime.models import Event

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("typed", "e164"), [
    ("070-123 45 67", "+46701234567"),
    ("+46 (0)70-123 45 67", "+46701234567"),
    ("+47 912 34 567", "+4791234567"),
])
def test_the_callers_number_is_normalised_to_e164(typed, e164):
    # Every form the normaliser reads: tests/core/test_phones.py.
    assert services.caller_phone_normalise(typed) == e164


@pytest.mark.parametrize("typed", ["", "12345", "070-ABC", "+0701234567", "46701234567x",
                                   "+467012345678901234"])
def test_anything_else_that_is_not_e164_is_refused_with_a_message(typed):
    with pytest.raises(Invalid, match="mobile number"):
        services.caller_phone_normalise(typed)


def test_sending_a_link_texts_the_caller_a_short_link_and_stores_only_the_hash(
        demo, case, sent_link, settings, caplog):
    caplog.set_level("DEBUG")
    link, token = sent_link()
    assert token not in caplog.text and "+46701234567" not in caplog.text
    assert link.phone == "+46701234567" and link.case == case
    assert len(token) >= 43 and token not in link.token_hash
    assert link.token_hash == services.secret_hash(token)
    assert link.expires_at - link.created_at == timedelta(seconds=1800)
    assert link.max_images == 5 and link.images_received == 0
    sms = SmsMessage.objects.get(pk=link.sms_id)
    assert (sms.to, sms.state, sms.user) == ("+46701234567", SmsState.SENT, None)
    # The record keeps the text with the token masked; only the provider got the link.
    assert sms.message.endswith("https://bild.larm.example/b/•••")
    assert token not in sms.message and sms.sealed == ""
    assert "giltig 30 min" in sms.message and "valid 30 min" in sms.message
    assert case.patient_name not in sms.message
    [line] = settings.SMS_OUTBOX_PATH.read_text().splitlines()
    assert line.endswith(f"https://bild.larm.example/b/{token}")


def test_who_sent_which_link_is_in_the_access_log(demo, case, sent_link):
    link, _token = sent_link()
    entry = AccessLogEntry.objects.get(object_type="image_link")
    assert (entry.username, entry.action, entry.object_id, entry.patient) == (
        "anna", "create", str(link.pk), case.personal_identity_number)


def test_the_console_hears_of_the_link_without_the_full_number(demo, case, sent_link):
    link, token = sent_link()
    event = Event.objects.get(stream=DISPATCH_STREAM, type="image_link.created")
    assert event.data["id"] == link.pk and event.data["case"] == case.pk
    assert "+46701234567" not in str(event.data) and token not in str(event.data)
    assert event.data["phone_masked"].endswith("67")


def test_no_link_for_a_closed_case(demo, case):
    case_close(case=case, by=demo.anna)
    with pytest.raises(Conflict, match="closed"):
        services.image_link_send(case=case, phone="0701234567", by=demo.anna)
    assert not ImageLink.objects.exists()


def test_a_link_opens_once_and_is_swapped_for_an_upload_session(sent_link):
    link, token = sent_link()
    session, secret = services.link_open(token=token)
    assert session.link == link and session.expires_at == link.expires_at
    assert session.secret_hash == services.secret_hash(secret) and secret != token
    assert services.upload_session_of(secret=secret) == session
    assert services.link_open(token=token) is None  # the second open, e.g. a forwarded SMS
    assert UploadSession.objects.count() == 1
    link.refresh_from_db()
    assert link.opened_at is not None
    assert Event.objects.filter(type="image_link.updated", data__id=link.pk).exists()


def test_the_landing_page_check_does_not_consume_the_link(sent_link):
    _link, token = sent_link()
    for _ in range(3):  # an SMS app's link preview, then the caller
        assert services.link_state(token=token) == "valid"
    assert services.link_open(token=token) is not None
    assert services.link_state(token=token) == "invalid"


def _expired(link):
    ImageLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


def _revoked(link):
    ImageLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())


def _used(link, token):
    services.link_open(token=token)


@pytest.mark.parametrize("kind", ["unknown", "tampered", "expired", "used", "revoked", "empty"])
def test_every_link_that_cannot_be_used_gets_the_same_answer_from_one_query(
        sent_link, kind):
    link, token = sent_link()
    if kind == "expired":
        _expired(link)
    elif kind == "revoked":
        _revoked(link)
    elif kind == "used":
        _used(link, token)
    tried = {"unknown": "x" * 43, "tampered": token[:-1] + ("A" if token[-1] != "A" else "B"),
             "empty": ""}.get(kind, token)
    assert services.link_state(token=tried) == "invalid"
    with CaptureQueriesContext(connection) as queries:
        assert services.link_open(token=tried) is None
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 1 and statements[0].startswith("UPDATE")


def test_an_upload_session_ends_with_its_link(sent_link):
    link, token = sent_link()
    _session, secret = services.link_open(token=token)
    _revoked(link)
    assert services.upload_session_of(secret=secret) is None
    ImageLink.objects.filter(pk=link.pk).update(revoked_at=None)
    UploadSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.upload_session_of(secret=secret) is None
    assert services.upload_session_of(secret=None) is None
    assert services.upload_session_of(secret="not-a-secret") is None


def test_a_dispatcher_withdraws_a_link(demo, sent_link):
    link, token = sent_link()
    services.link_revoke(link=link, by=demo.anna)
    assert services.link_state(token=token) == "invalid"
    assert services.link_open(token=token) is None


@pytest.mark.parametrize("served_at", ["http://larm.example:8137", "https://larm.example"])
def test_the_link_is_on_the_address_the_console_reached_the_product_at(
        demo, case, api, settings, served_at, django_capture_on_commit_callbacks):
    # Nothing configured: not make run's port 8000, but where this product answers (PORT).
    settings.IMAGING_PUBLIC_URL = settings.SMS_SITE_URL = ""
    settings.ALLOWED_HOSTS = ["larm.example"]
    scheme, host = served_at.split("://")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(demo.anna).post(
            f"/api/imaging/cases/{case.pk}/links/", {"phone": "0701234567"}, format="json",
            HTTP_HOST=host, secure=scheme == "https")
    assert response.status_code == 201, response.content
    [line] = settings.SMS_OUTBOX_PATH.read_text().splitlines()
    assert re.search(rf" {re.escape(served_at)}/b/[\w-]{{43,}}$", line), line


def test_a_configured_public_address_wins_over_the_request(
        demo, case, api, settings, django_capture_on_commit_callbacks):
    settings.IMAGING_PUBLIC_URL, settings.SMS_SITE_URL = "", "https://larm.example.se/"
    settings.ALLOWED_HOSTS = ["10.0.0.5"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api(demo.anna).post(
            f"/api/imaging/cases/{case.pk}/links/", {"phone": "0701234567"}, format="json",
            HTTP_HOST="10.0.0.5:8137")
    assert response.status_code == 201, response.content
    [line] = settings.SMS_OUTBOX_PATH.read_text().splitlines()
    assert " https://larm.example.se/b/" in line and "10.0.0.5" not in line
