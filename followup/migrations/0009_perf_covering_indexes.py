"""Covering indexes of the follow-up's own (PostgreSQL's INCLUDE) so the tertial report's
biggest reads are index-only (issue 15's benchmark, 400,000 cases):

- followup_assignment_completed: measure 4's completed assignments (status available) by
  case, with their unit and whether they transported;
- followup_case_1a_cover: measure 1's cases dispatched at 1A with the columns its median
  reads (0005's followup_case_1a fetched each of those cases from the table);
- followup_case_referral_cover: measures 5 and 6's referrals with a person, with the person
  and the region (0005's followup_case_referral fetched them from the table).

Their conditions are the measures' (followup/measures/definitions.py)."""

from django.db import migrations

# (name, table, columns, covered columns, condition)
INDEXES = (
    ("followup_assignment_completed", "dispatch_assignment", "case_id",
     "id, unit_id, transporting_at", "status = 'available'"),
    ("followup_case_1a_cover", "dispatch_case", "registered_at",
     "region_id, call_id, call_answered_at, first_alert_at",
     "first_alert_at IS NOT NULL AND (first_alert_priority = '1A' OR "
     "(first_alert_priority = '' AND priority = '1A'))"),
    ("followup_case_referral_cover", "dispatch_case", "registered_at", "id, region_id, pin_key",
     "priority = 'referral' AND pin_key <> ''"),
)


def indexes_create(apps, schema_editor):
    """PostgreSQL only: SQLite has no INCLUDE, and its plans for these statements are its
    own (they meet SQLite's target as they are)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, columns, covered, condition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}) "
                              f"INCLUDE ({covered}) WHERE {condition}")


def indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, *_rest in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("followup", "0008_hospital_visit_region"),
    ]

    operations = [
        migrations.RunPython(indexes_create, indexes_drop),
    ]
