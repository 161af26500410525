"""The address search's index: SQLite FTS5 (external content on places_address.folded, kept in
step by triggers, prefix indexes for 2 and 3 letters) in the embedded shape, PostgreSQL pg_trgm
(a GIN trigram index on folded) in production. Each runs only on its own backend."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE places_address_fts USING fts5(folded, content='places_address', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')",
    "CREATE TRIGGER places_address_fts_insert AFTER INSERT ON places_address BEGIN "
    "INSERT INTO places_address_fts(rowid, folded) VALUES (new.id, new.folded); END",
    "CREATE TRIGGER places_address_fts_delete AFTER DELETE ON places_address BEGIN "
    "INSERT INTO places_address_fts(places_address_fts, rowid, folded) "
    "VALUES ('delete', old.id, old.folded); END",
    "CREATE TRIGGER places_address_fts_update AFTER UPDATE OF folded ON places_address BEGIN "
    "INSERT INTO places_address_fts(places_address_fts, rowid, folded) "
    "VALUES ('delete', old.id, old.folded); "
    "INSERT INTO places_address_fts(rowid, folded) VALUES (new.id, new.folded); END",
    "INSERT INTO places_address_fts(places_address_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS places_address_fts_insert",
    "DROP TRIGGER IF EXISTS places_address_fts_delete",
    "DROP TRIGGER IF EXISTS places_address_fts_update",
    "DROP TABLE IF EXISTS places_address_fts",
]
POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS places_address_folded_trgm ON places_address "
    "USING gin (folded gin_trgm_ops)",
]
POSTGRESQL_BACKWARD = ["DROP INDEX IF EXISTS places_address_folded_trgm"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):

    dependencies = [("places", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
