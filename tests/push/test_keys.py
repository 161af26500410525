"""VAPID keys: the management command, the key formats settings accept, the system check,
and the purge of old push records."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from push import checks
from push.models import Notification, SmsMessage
from push.services import records_purge
from push.vapid import b64url_decode, private_key_from_text, public_key_of, vapid_keys

pytestmark = pytest.mark.django_db


def run(*args) -> dict:
    out = StringIO()
    call_command("generate_vapid_keys", *args, stdout=out, stderr=StringIO())
    lines = out.getvalue().strip().splitlines()
    return dict(line.split("=", 1) for line in lines)


def test_the_command_prints_a_matching_key_pair(settings):
    printed = run()
    private = b64url_decode(printed["VAPID_PRIVATE_KEY"])
    public = b64url_decode(printed["VAPID_PUBLIC_KEY"])
    assert len(private) == 32 and len(public) == 65 and public[0] == 4
    assert public_key_of(private_key_from_text(printed["VAPID_PRIVATE_KEY"])) == printed[
        "VAPID_PUBLIC_KEY"]
    assert printed["VAPID_SUBJECT"] == settings.VAPID_SUBJECT
    assert not settings.VAPID_FILE.exists()
    assert run()["VAPID_PUBLIC_KEY"] != printed["VAPID_PUBLIC_KEY"]


def test_the_command_writes_the_file_the_settings_read_and_will_not_overwrite_it(settings):
    printed = run("--write")
    assert settings.VAPID_FILE.is_file()
    settings.VAPID_PRIVATE_KEY = settings.VAPID_PUBLIC_KEY = ""
    assert vapid_keys().public_key == printed["VAPID_PUBLIC_KEY"]
    with pytest.raises(CommandError, match="--force"):
        run("--write")
    again = run("--write", "--force")
    assert vapid_keys().public_key == again["VAPID_PUBLIC_KEY"] != printed["VAPID_PUBLIC_KEY"]


def test_a_pem_private_key_is_accepted(settings):
    out = StringIO()
    call_command("generate_vapid_keys", "--pem", stdout=out)
    text = out.getvalue()
    pem = text.split("VAPID_PRIVATE_KEY='", 1)[1].split("'", 1)[0]
    public = text.split("VAPID_PUBLIC_KEY=", 1)[1].split()[0]
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY = pem, ""
    assert vapid_keys().public_key == public


def test_unusable_keys_are_refused(settings):
    settings.VAPID_PRIVATE_KEY = "not-a-key"
    with pytest.raises(ImproperlyConfigured):
        vapid_keys()
    assert [e.id for e in checks.vapid_configured(None)] == ["push.E001"]
    printed, other = run(), run()
    settings.VAPID_PRIVATE_KEY = printed["VAPID_PRIVATE_KEY"]
    settings.VAPID_PUBLIC_KEY = other["VAPID_PUBLIC_KEY"]
    with pytest.raises(ImproperlyConfigured, match="does not belong"):
        vapid_keys()
    settings.VAPID_PUBLIC_KEY = printed["VAPID_PUBLIC_KEY"]
    settings.VAPID_SUBJECT = "ops@example.com"
    with pytest.raises(ImproperlyConfigured, match="mailto"):
        vapid_keys()


def test_the_check_warns_when_push_is_off_in_the_production_shape(settings):
    settings.VAPID_PRIVATE_KEY = settings.VAPID_PUBLIC_KEY = ""
    assert [e.id for e in checks.vapid_configured(None)] == ["push.W001"]
    settings.VAPID_AUTO_GENERATE = True
    assert checks.vapid_configured(None) == []


def test_old_notifications_and_sms_are_purged(demo):
    old = timezone.now() - timedelta(days=31)
    Notification.objects.create(user=demo.sara, stream="unit.1", seq=1, event_type="x",
                                event_at=old, created_at=old)
    Notification.objects.create(user=demo.sara, stream="unit.1", seq=2, event_type="x",
                                event_at=timezone.now())
    SmsMessage.objects.create(user=demo.sara, message="x", backend="console", created_at=old)
    assert records_purge() == 2
    assert list(Notification.objects.values_list("seq", flat=True)) == [2]
    assert not SmsMessage.objects.exists()


@pytest.mark.parametrize(("backend", "username", "database_url", "debug", "found"), [
    ("console", "", "postgres://x@127.0.0.1/x", False, ["push.E002"]),
    ("46elks", "", "postgres://x@127.0.0.1/x", False, ["push.W002"]),
    ("46elks", "elks-user", "postgres://x@127.0.0.1/x", False, []),
    ("push.sms.FortySixElksBackend", "", "postgres://x@127.0.0.1/x", False, []),
    ("console", "", "", False, []),  # the embedded shape: a developer's machine
    ("console", "", "postgres://x@127.0.0.1/x", True, []),  # DEBUG: a developer's cluster
])
def test_a_centre_texts_through_a_provider_not_the_console(settings, backend, username,
                                                           database_url, debug, found):
    """Review of issue 12, item 8: the console backend on a centre sends nothing and writes
    callers' links to a file; `check --deploy` refuses it."""
    settings.SMS_BACKEND, settings.DATABASE_URL, settings.DEBUG = backend, database_url, debug
    settings.SMS_46ELKS_USERNAME = settings.SMS_46ELKS_PASSWORD = username
    assert [e.id for e in checks.sms_backend_sends(None)] == found
