"""An index of the follow-up's own on dispatch's cases: the edited ones (version > 1) by time.
Measure 7 reads the priority at registration from the history of these only (a few per
cent of the cases), so the report finds them without reading every case."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("followup", "0002_seed_000_targets"),
        ("dispatch", "0009_case_pin_key"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS followup_case_edited ON dispatch_case (registered_at) "
            "WHERE version > 1",
            "DROP INDEX IF EXISTS followup_case_edited",
        ),
    ]
