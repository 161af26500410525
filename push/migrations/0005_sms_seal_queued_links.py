"""SMS still queued when 0004 ran kept a caller's upload link in clear in `message`: 0004
masked only those already sent, and the sender sends `message` as it is when nothing is sealed
(then never masks it). Seal their text as `sms_queue_to_number` does now, under the same key
(push.sealing: the sender opens it with SECRET_KEY), and mask `message`: the caller's link
still arrives, and the record no longer holds it. Any other row still holding a link in clear
(one an old process sent while the upgrade ran) is masked."""

from django.db import migrations

from push.sealing import link_secrets_masked, text_seal


def seal_queued_links(apps, schema_editor):
    SmsMessage = apps.get_model("push", "SmsMessage")
    rows = SmsMessage.objects.filter(message__contains="/b/").only("pk", "state", "sealed",
                                                                  "message")
    for sms in rows.iterator():
        masked = link_secrets_masked(sms.message)
        if masked == sms.message:
            continue
        if sms.state == "queued" and not sms.sealed:
            SmsMessage.objects.filter(pk=sms.pk, state="queued", sealed="").update(
                message=masked, sealed=text_seal(sms.message))
        SmsMessage.objects.filter(pk=sms.pk, message=sms.message).update(message=masked)


class Migration(migrations.Migration):

    dependencies = [
        ("push", "0004_sms_sealed_text"),
    ]

    operations = [
        migrations.RunPython(seal_queued_links, migrations.RunPython.noop),
    ]
