"""Indexes of the follow-up's own on dispatch's cases, partial so they hold only the cases a
measure reads: those dispatched at 1A (measure 1's medians) and the referrals with a person
(measures 5 and 6), each by time. The report reads them instead of every case of its
sixteen months. Their conditions are the measures' (followup/measures/definitions.py)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("followup", "0004_measures_first_change_index"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS followup_case_1a ON dispatch_case (registered_at) "
            "WHERE first_alert_at IS NOT NULL AND (first_alert_priority = '1A' OR "
            "(first_alert_priority = '' AND priority = '1A'))",
            "DROP INDEX IF EXISTS followup_case_1a",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS followup_case_referral ON dispatch_case (registered_at) "
            "WHERE priority = 'referral' AND pin_key <> ''",
            "DROP INDEX IF EXISTS followup_case_referral",
        ),
    ]
