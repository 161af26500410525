"""The image link's SMS: 46elks asked for a delivery report, the report recorded on the SMS,
and the console's link updated; a callback with the wrong secret is a 404."""

import httpx
import pytest
from rest_framework.test import APIClient

from imaging.models import ImageLink
from push import sms as sms_module
from push.models import SmsMessage, SmsState
from realtime.models import Event

pytestmark = pytest.mark.django_db
SECRET = "cb-7f3a9c1e2b"


@pytest.fixture
def elks(settings, monkeypatch):
    """46elks' API behind httpx.MockTransport: keeps each request's form."""
    settings.SMS_BACKEND = "46elks"
    settings.SMS_46ELKS_USERNAME, settings.SMS_46ELKS_PASSWORD = "u123", "p456"
    settings.SMS_CALLBACK_BASE_URL = "https://larm.example.se/"
    settings.SMS_CALLBACK_SECRET = SECRET
    requests = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(dict(httpx.QueryParams(request.content.decode())))
        return httpx.Response(200, json={"status": "created", "id": "s17a6dafb12d6b1cabc"})

    client = httpx.Client(transport=httpx.MockTransport(handler))
    monkeypatch.setattr(sms_module.httpx, "post", client.post)
    return requests


def report(secret=SECRET, **form):
    return APIClient().post(f"/api/push/sms/delivery/{secret}/", form)


def test_46elks_is_asked_to_report_delivery_to_the_secret_callback(elks, sent_link):
    link, token = sent_link()
    [request] = elks
    assert request["to"] == "+46701234567" and request["message"].endswith(f"/b/{token}")
    assert request["whendelivered"] == (
        f"https://larm.example.se/api/push/sms/delivery/{SECRET}/")
    sms = SmsMessage.objects.get(pk=link.sms_id)
    assert (sms.state, sms.provider_id) == (SmsState.SENT, "s17a6dafb12d6b1cabc")
    assert Event.objects.filter(type="image_link.updated", data__id=link.pk,
                                data__sms_state="sent").exists()


def test_a_delivery_report_is_recorded_and_the_console_told(elks, sent_link):
    link, _token = sent_link()
    response = report(id="s17a6dafb12d6b1cabc", status="delivered",
                      delivered="2026-12-02T07:01:02.466000")
    assert response.status_code == 200 and response.json() == {"recorded": True}
    sms = SmsMessage.objects.get(pk=link.sms_id)
    assert sms.delivery_status == "delivered"
    assert sms.delivered_at.isoformat() == "2026-12-02T07:01:02.466000+00:00"
    event = Event.objects.filter(type="image_link.updated", data__id=link.pk).last()
    assert event.data["sms_state"] == "delivered"
    # A late "failed" does not undo a delivery.
    report(id="s17a6dafb12d6b1cabc", status="failed")
    assert SmsMessage.objects.get(pk=link.sms_id).delivery_status == "delivered"


def test_a_failed_delivery_shows_on_the_link(elks, sent_link, demo, api):
    link, _token = sent_link()
    report(id="s17a6dafb12d6b1cabc", status="failed")
    [listed] = api(demo.anna).get(f"/api/imaging/cases/{link.case_id}/links/").json()
    assert listed["sms_state"] == "failed"


def test_a_report_with_the_wrong_secret_is_a_404_and_changes_nothing(elks, sent_link):
    link, _token = sent_link()
    assert report(secret="guess", id="s17a6dafb12d6b1cabc",
                  status="delivered").status_code == 404
    assert SmsMessage.objects.get(pk=link.sms_id).delivery_status == ""


def test_without_a_configured_secret_every_report_is_a_404(sent_link, settings):
    settings.SMS_CALLBACK_SECRET = ""
    assert report(secret="anything", id="x", status="delivered").status_code == 404


def test_a_report_of_an_unknown_message_or_status(elks):
    assert report(id="unknown", status="delivered").json() == {"recorded": False}
    refused = report(id="s17a6dafb12d6b1cabc", status="read")
    assert refused.status_code == 400 and "delivered or failed" in refused.json()["detail"]


def test_no_callback_is_asked_for_when_it_is_not_configured(elks, settings, sent_link):
    settings.SMS_CALLBACK_SECRET = ""
    sent_link()
    assert "whendelivered" not in elks[0]
    assert ImageLink.objects.count() == 1
