"""The text of an SMS that carries a secret is kept sealed until it is sent (push.sealing), and
`message` keeps it masked. Texts already sent had a caller's upload link in clear: mask it."""

import re

from django.db import migrations, models

LINK_SECRET = re.compile(r"(/b/)[A-Za-z0-9_-]{20,}")


def mask_sent_links(apps, schema_editor):
    SmsMessage = apps.get_model("push", "SmsMessage")
    for sms in SmsMessage.objects.filter(message__contains="/b/").exclude(state="queued"):
        masked = LINK_SECRET.sub(r"\1•••", sms.message)
        if masked != sms.message:
            SmsMessage.objects.filter(pk=sms.pk).update(message=masked)


class Migration(migrations.Migration):

    dependencies = [
        ('push', '0003_sms_delivery_report'),
    ]

    operations = [
        migrations.AddField(
            model_name='smsmessage',
            name='sealed',
            field=models.TextField(blank=True, default=''),
        ),
        migrations.RunPython(mask_sent_links, migrations.RunPython.noop),
    ]
