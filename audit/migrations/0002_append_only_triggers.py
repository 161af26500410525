"""Database triggers that refuse UPDATE and DELETE on the access log, so that the application
(or anyone with its credentials) cannot rewrite it. Retention purges, after at least five
years, run as a database owner with the trigger disabled, outside the application."""

from django.db import migrations

TABLE = "audit_accesslogentry"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION audit_access_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the access log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_access_log_no_update BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION audit_access_log_append_only();
CREATE TRIGGER audit_access_log_no_truncate BEFORE TRUNCATE ON {TABLE}
  FOR EACH STATEMENT EXECUTE FUNCTION audit_access_log_append_only();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS audit_access_log_no_update ON {TABLE};
DROP TRIGGER IF EXISTS audit_access_log_no_truncate ON {TABLE};
DROP FUNCTION IF EXISTS audit_access_log_append_only();
"""
SQLITE_UP = [
    f"""CREATE TRIGGER audit_access_log_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;""",
    f"""CREATE TRIGGER audit_access_log_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_access_log_no_update;",
    "DROP TRIGGER IF EXISTS audit_access_log_no_delete;",
]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
