"""Indexes of the follow-up's own for the statements that read the most rows (issue 15's
benchmark, 400,000 cases on PostgreSQL):

- followup_assignment_on_scene: the station table's first unit on scene of each case (the
  earliest on_scene_at, the lower id on a tie) reads the assignments on scene from this index
  alone, on both sides of its anti-join, instead of the whole table twice;
- followup_case_p1_person: measure 5's recontacts (another case of the person, dispatched at
  priority 1) are hashed from this index instead of a scan of every case;
- followup_case_p1: measure 4's cases dispatched at priority 1, by time, with what the count
  groups by.

Their conditions are the measures' (dispatch.models.dispatched_at_priority_one) and the
station table's (followup/stations/table.py)."""

from django.db import migrations

PRIORITY_ONE = ("first_alert_at IS NOT NULL AND (first_alert_priority IN ('1A', '1B') OR "
                "(first_alert_priority = '' AND priority IN ('1A', '1B')))")


# (name, table, columns, covered columns, condition)
INDEXES = (
    ("followup_assignment_on_scene", "dispatch_assignment", "case_id, on_scene_at, id",
     "unit_id", "on_scene_at IS NOT NULL"),
    ("followup_case_p1_person", "dispatch_case", "pin_key, registered_at", "",
     f"{PRIORITY_ONE} AND pin_key <> ''"),
    ("followup_case_p1", "dispatch_case", "registered_at", "id, region_id, case_type",
     PRIORITY_ONE),
)


def indexes_create(apps, schema_editor):
    """PostgreSQL only: SQLite has no INCLUDE, and its plans for these statements are its
    own (they meet SQLite's target as they are)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, columns, covered, condition in INDEXES:
        include = f" INCLUDE ({covered})" if covered else ""
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})"
                              f"{include} WHERE {condition}")


def indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, *_rest in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("followup", "0005_measures_case_indexes"),
    ]

    operations = [
        migrations.RunPython(indexes_create, indexes_drop),
    ]
