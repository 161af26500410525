"""The SMS fallback: a user without a push subscription is texted through the SMS backend
(console by default, 46elks against a loopback fake here), once per assignment and window."""

import base64
import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from dispatch.services import assignment_resend_unacknowledged
from push import services
from push.models import Notification, NotificationState, SmsMessage, SmsState
from timers.models import Timer, TimerState

from .helpers import dispatch, fire

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = "+46701234567"


@pytest.fixture
def sara_phone(demo):
    demo.sara.phone_number = PHONE
    demo.sara.save(update_fields=["phone_number"])
    return PHONE


def test_a_user_without_a_push_subscription_is_texted(demo, new_case, sara_phone, settings):
    assignment = dispatch(demo, new_case, patient_name="Tolvan Tolvansson",
                          address="Stora torget 1, Västerås")
    fire(after_seconds=6)
    notification = Notification.objects.get(user=demo.sara)
    assert notification.state == NotificationState.SMS
    sms = SmsMessage.objects.get()
    assert (sms.state, sms.to, sms.backend, sms.attempts) == (SmsState.SENT, PHONE, "console", 1)
    assert sms.message == "Nytt uppdrag: Prio 1A - AMB 1010"
    assert sms.tag == f"assignment-{assignment.pk}" and sms.notification == notification
    [line] = settings.SMS_OUTBOX_PATH.read_text().splitlines()
    assert line.endswith(f"\t{PHONE}\tNytt uppdrag: Prio 1A - AMB 1010")
    assert "Tolvan" not in line and "Stora torget" not in line
    assert not Timer.objects.filter(kind=services.SMS_KIND, state=TimerState.PENDING)


def test_the_link_is_added_when_the_site_url_is_set(demo, new_case, sara_phone, settings):
    settings.SMS_SITE_URL = "https://larm.example.se/"
    dispatch(demo, new_case)
    fire(after_seconds=6)
    assert SmsMessage.objects.get().message.endswith(" https://larm.example.se/crew/")


def test_a_user_without_a_phone_number_is_recorded_as_not_reached(demo, new_case):
    demo.sara.phone_number = ""
    demo.sara.save(update_fields=["phone_number"])
    dispatch(demo, new_case)
    fire(after_seconds=6)
    sms = SmsMessage.objects.get()
    assert sms.state == SmsState.FAILED and "no phone number" in sms.error
    assert Notification.objects.get().state == NotificationState.SMS


def test_a_resent_assignment_does_not_text_again_within_the_window(demo, new_case, sara_phone,
                                                                   settings):
    assignment = dispatch(demo, new_case)
    fire(after_seconds=6)
    assignment_resend_unacknowledged(assignment_id=assignment.pk)
    fire(after_seconds=6)
    assert SmsMessage.objects.count() == 1
    assert Notification.objects.count() == 2
    settings.SMS_REPEAT_SECONDS = 0
    assignment_resend_unacknowledged(assignment_id=assignment.pk)
    fire(after_seconds=6)
    assert SmsMessage.objects.count() == 2


# --- 46elks against a loopback fake ---------------------------------------------------------


class FakeElks:
    """46elks' POST /a1/sms on loopback: keeps each request, answers as told (then 200)."""

    def __init__(self):
        fake = self
        self.requests: list[dict] = []
        self.answers: deque = deque()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake.requests.append({"path": self.path,
                                      "authorization": self.headers.get("Authorization"),
                                      "type": self.headers.get("Content-Type"),
                                      "form": {k: v[0] for k, v in
                                               parse_qs(body.decode()).items()}})
                status = fake.answers.popleft() if fake.answers else 200
                reply = json.dumps({"status": "created", "id": "s17a6dafb12d6b1cabc",
                                    "to": "+46701234567", "parts": 1}
                                   if status == 200 else {"error": "nope"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/a1/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def elks(settings):
    fake = FakeElks()
    settings.SMS_BACKEND = "46elks"
    settings.SMS_46ELKS_URL = fake.url
    settings.SMS_46ELKS_USERNAME = "u0123456789abcdef"
    settings.SMS_46ELKS_PASSWORD = "secret-password"
    settings.SMS_FROM = "Larmkedjan"
    yield fake
    fake.close()


def test_46elks_gets_from_to_and_message_with_basic_auth(demo, new_case, sara_phone, elks):
    dispatch(demo, new_case)
    fire(after_seconds=6)
    [request] = elks.requests
    assert request["path"] == "/a1/sms"
    assert request["type"] == "application/x-www-form-urlencoded"
    assert request["authorization"] == "Basic " + base64.b64encode(
        b"u0123456789abcdef:secret-password").decode()
    assert request["form"] == {"from": "Larmkedjan", "to": PHONE,
                               "message": "Nytt uppdrag: Prio 1A - AMB 1010"}
    sms = SmsMessage.objects.get()
    assert (sms.state, sms.backend, sms.provider_id) == (SmsState.SENT, "46elks",
                                                         "s17a6dafb12d6b1cabc")


def test_46elks_dry_run(demo, new_case, sara_phone, elks, settings):
    settings.SMS_46ELKS_DRYRUN = True
    dispatch(demo, new_case)
    fire(after_seconds=6)
    assert elks.requests[0]["form"]["dryrun"] == "yes"


def test_46elks_unavailable_is_retried_later(demo, new_case, sara_phone, elks):
    elks.answers.extend([503])
    dispatch(demo, new_case)
    fire(after_seconds=6)
    sms = SmsMessage.objects.get()
    assert (sms.state, sms.attempts) == (SmsState.QUEUED, 1) and "503" in sms.error
    fire(after_seconds=3)
    sms.refresh_from_db()
    assert (sms.state, sms.attempts, len(elks.requests)) == (SmsState.SENT, 2, 2)


def test_46elks_refusal_is_not_retried(demo, new_case, sara_phone, elks):
    elks.answers.extend([401])
    dispatch(demo, new_case)
    fire(after_seconds=6)
    fire(after_seconds=60)
    sms = SmsMessage.objects.get()
    assert (sms.state, len(elks.requests)) == (SmsState.FAILED, 1)
    assert "401" in sms.error


def test_46elks_attempts_are_bounded(demo, new_case, sara_phone, elks, settings):
    settings.SMS_MAX_ATTEMPTS = 2
    elks.answers.extend([500, 500, 500])
    dispatch(demo, new_case)
    fire(after_seconds=6)
    fire(after_seconds=60)
    fire(after_seconds=120)
    sms = SmsMessage.objects.get()
    assert (sms.state, sms.attempts, len(elks.requests)) == (SmsState.FAILED, 2, 2)


def test_46elks_without_credentials_fails_clearly(demo, new_case, sara_phone, elks, settings):
    settings.SMS_46ELKS_PASSWORD = ""
    dispatch(demo, new_case)
    fire(after_seconds=6)
    sms = SmsMessage.objects.get()
    assert sms.state == SmsState.FAILED and "SMS_46ELKS_PASSWORD" in sms.error
    assert elks.requests == []


def test_a_backend_by_dotted_path(demo, new_case, sara_phone, settings):
    settings.SMS_BACKEND = "tests.push.test_sms.RecordingBackend"
    RecordingBackend.sent.clear()
    dispatch(demo, new_case)
    fire(after_seconds=6)
    assert RecordingBackend.sent == [(PHONE, "Nytt uppdrag: Prio 1A - AMB 1010")]
    assert SmsMessage.objects.get().provider_id == "rec-1"


class RecordingBackend:
    name = "recording"
    sent: list = []

    def send(self, *, to: str, message: str) -> str:
        self.sent.append((to, message))
        return f"rec-{len(self.sent)}"
