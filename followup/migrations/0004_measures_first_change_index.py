"""An index of the follow-up's own on dispatch's case history: a case's changes of one field in
time order, so measure 7 finds the first change of the priority, the MBS priority and the
reason of an edited case by one index probe each (no sort)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("followup", "0003_measures_edited_cases_index"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS followup_casechange_first ON dispatch_casechange "
            "(case_id, field, changed_at, id)",
            "DROP INDEX IF EXISTS followup_casechange_first",
        ),
    ]
