"""An SMS that carries a secret (a caller's upload link): the record keeps the text with the
secret masked and the text to send sealed only until it is sent; the secret survives a retry
and a crash before the send, and no log line or stored column holds it. The development
backend's outbox file, which does hold it, is the product user's only."""

import logging
import os

import pytest
from django.db import connection, transaction

from push import sender, services
from push.models import SmsMessage, SmsState
from push.sealing import SECRET_MASK, text_seal
from push.sms import SmsTemporaryError

from .helpers import fire

pytestmark = pytest.mark.django_db(transaction=True)
CALLER = "+46709990011"
TOKEN = "Q3vZ8kLr2_pXw-9JmT4bYc1NfHs6GdAeUo0iRlVq5Ky"
TEXT = f"Skicka en bild: https://bild.larm.example/b/{TOKEN}"


def queue(**kwargs) -> SmsMessage:
    with transaction.atomic():
        return services.sms_queue_to_number(to=CALLER, message=TEXT, tag="image-link-1",
                                            secret=TOKEN, **kwargs)


def stored_row(sms_id: int) -> str:
    """Every column of the SMS's row as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM push_smsmessage WHERE id = %s", [sms_id])
        return " ".join(str(value) for value in cursor.fetchone())


class FlakyBackend:
    """Fails the first send as a provider that timed out would; records what it was given."""

    name = "flaky"
    sent: list[str] = []

    def send(self, *, to: str, message: str) -> str:
        FlakyBackend.sent.append(message)
        if len(FlakyBackend.sent) == 1:
            raise SmsTemporaryError("timed out")
        return f"id-{len(FlakyBackend.sent)}"


def test_the_record_masks_the_secret_and_the_provider_gets_it(settings, caplog):
    caplog.set_level(logging.DEBUG)
    sms = queue()
    assert sender.wait_idle(15)
    sms.refresh_from_db()
    assert sms.state == SmsState.SENT
    assert sms.message == f"Skicka en bild: https://bild.larm.example/b/{SECRET_MASK}"
    assert sms.sealed == ""
    assert TOKEN not in stored_row(sms.pk)
    [line] = settings.SMS_OUTBOX_PATH.read_text().splitlines()
    assert line.endswith(f"\t{CALLER}\t{TEXT}")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "SMS to +46" in logged
    assert TOKEN not in logged and CALLER not in logged


def test_while_queued_only_the_sealed_text_holds_the_secret(monkeypatch):
    monkeypatch.setattr(sender, "after_commit", lambda func, **kwargs: None)  # the send is lost
    sms = queue()
    row = stored_row(sms.pk)
    assert TOKEN not in row and "bild.larm.example" not in sms.sealed
    assert sms.sealed and sms.state == SmsState.QUEUED


def test_a_send_lost_with_its_process_goes_out_with_the_same_link(settings, monkeypatch):
    with monkeypatch.context() as crash:
        crash.setattr(sender, "after_commit", lambda func, **kwargs: None)
        sms = queue()
    assert not settings.SMS_OUTBOX_PATH.exists()
    assert fire(after_seconds=60) == 1  # the watchdog
    sms.refresh_from_db()
    assert (sms.state, sms.sealed) == (SmsState.SENT, "")
    assert settings.SMS_OUTBOX_PATH.read_text().rstrip("\n").endswith(TEXT)


def test_a_retry_sends_the_same_link_and_the_seal_goes_once_sent(settings):
    settings.SMS_BACKEND = "tests.push.test_sms_secrets.FlakyBackend"
    FlakyBackend.sent.clear()
    sms = queue()
    assert sender.wait_idle(15)
    sms.refresh_from_db()
    assert sms.state == SmsState.QUEUED and sms.sealed and sms.error == "timed out"
    fire(after_seconds=60)
    sms.refresh_from_db()
    assert (sms.state, sms.sealed, sms.provider_id) == (SmsState.SENT, "", "id-2")
    assert FlakyBackend.sent == [TEXT, TEXT]


def test_a_text_sealed_under_another_key_fails_clearly(settings, monkeypatch):
    with monkeypatch.context() as crash:
        crash.setattr(sender, "after_commit", lambda func, **kwargs: None)
        sms = queue()
    settings.SECRET_KEY = "a-new-key-" * 5
    fire(after_seconds=60)
    sms.refresh_from_db()
    assert (sms.state, sms.sealed) == (SmsState.FAILED, "")
    assert "SECRET_KEY" in sms.error and not settings.SMS_OUTBOX_PATH.exists()


def test_the_old_key_in_secret_key_fallbacks_still_opens_it(settings):
    old = settings.SECRET_KEY
    sealed = text_seal(TEXT)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" * 5, [old]
    sms = SmsMessage.objects.create(to=CALLER, message="masked", sealed=sealed,
                                    backend="console")
    assert services.sms_send(sms_id=sms.pk) == SmsState.SENT
    assert settings.SMS_OUTBOX_PATH.read_text().rstrip("\n").endswith(TEXT)


def test_a_secret_not_in_the_message_is_refused():
    with pytest.raises(ValueError, match="secret"):
        services.sms_queue_to_number(to=CALLER, message="no link here", secret=TOKEN)
    assert not SmsMessage.objects.exists()


def test_the_outbox_file_is_the_product_users_only(settings, tmp_path):
    settings.SMS_OUTBOX_PATH = tmp_path / "new-dir" / "sms-outbox.log"
    old_umask = os.umask(0o022)
    try:
        queue()
        assert sender.wait_idle(15)
    finally:
        os.umask(old_umask)
    assert oct(settings.SMS_OUTBOX_PATH.stat().st_mode & 0o777) == "0o600"
    assert oct(settings.SMS_OUTBOX_PATH.parent.stat().st_mode & 0o777) == "0o700"


def test_the_upgrade_seals_an_sms_still_queued_and_its_link_still_arrives(settings):
    """Review of issue 12, item 10: 0004 masked only the texts already sent; one still queued
    kept the link in clear (and the sender would send and keep it so). 0005 seals it under the
    key the sender opens it with and masks the record."""
    from importlib import import_module

    from django.apps import apps as django_apps

    migration = import_module("push.migrations.0005_sms_seal_queued_links")
    queued = SmsMessage.objects.create(to=CALLER, message=TEXT, backend="console",
                                       state=SmsState.QUEUED)
    sent = SmsMessage.objects.create(to=CALLER, message=TEXT, backend="console",
                                     state=SmsState.SENT)
    plain = SmsMessage.objects.create(to=CALLER, message="Larmcentralen: test",
                                      backend="console", state=SmsState.QUEUED)
    migration.seal_queued_links(django_apps, None)
    masked = f"Skicka en bild: https://bild.larm.example/b/{SECRET_MASK}"
    for sms in (queued, sent, plain):
        sms.refresh_from_db()
        assert TOKEN not in stored_row(sms.pk)
    assert (queued.message, bool(queued.sealed)) == (masked, True)
    assert (sent.message, sent.sealed) == (masked, "")
    assert (plain.message, plain.sealed) == ("Larmcentralen: test", "")
    assert services.sms_send(sms_id=queued.pk) == SmsState.SENT
    assert settings.SMS_OUTBOX_PATH.read_text().rstrip("\n").endswith(TEXT)
    queued.refresh_from_db()
    assert (queued.message, queued.sealed) == (masked, "")
