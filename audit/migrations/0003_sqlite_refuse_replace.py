"""SQLite: refuse an insert whose id is already in the access log.

`INSERT OR REPLACE` (and `REPLACE INTO`) resolves the conflict by deleting the old row without
firing DELETE triggers (unless recursive_triggers is on), so it rewrote an entry past
0002's triggers. A BEFORE INSERT trigger runs before that conflict resolution and aborts the
statement. PostgreSQL needs nothing here: a plain INSERT of an existing id fails on the primary
key, and `INSERT ... ON CONFLICT DO UPDATE` fires the BEFORE UPDATE trigger of 0002."""

from django.db import migrations

TABLE = "audit_accesslogentry"

SQLITE_UP = f"""CREATE TRIGGER audit_access_log_no_replace BEFORE INSERT ON {TABLE}
    WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_access_log_no_replace;"


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]
    operations = [migrations.RunPython(up, down)]
