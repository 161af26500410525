"""Municipality.folded_name (one folded lookup of a name) and the address's natural key without
the postcode (a changed postcode updates the address instead of adding a second one)."""

import importlib

from django.db import migrations, models

_SEARCH = importlib.import_module("places.migrations.0002_address_search")


def folded_names_fill(apps, schema_editor):
    from places.search import municipality_fold

    Municipality = apps.get_model("places", "Municipality")
    for municipality in Municipality.objects.all():
        municipality.folded_name = municipality_fold(municipality.name)
        municipality.save(update_fields=["folded_name"])


def duplicates_drop(apps, schema_editor):
    """Rows differing only in postcode: the newest (highest id) stays."""
    Address = apps.get_model("places", "Address")
    seen = set()
    doomed = []
    for row in Address.objects.order_by("-id").values_list(
            "id", "municipality_id", "street", "number", "letter").iterator(chunk_size=5000):
        key = row[1:]
        if key in seen:
            doomed.append(row[0])
        else:
            seen.add(key)
    for start in range(0, len(doomed), 500):
        Address.objects.filter(pk__in=doomed[start:start + 500]).delete()


def fts_triggers_restore(apps, schema_editor):
    """SQLite rebuilds places_address to change its unique constraint, which drops the search
    index's triggers (migration 0002): they are made again and the index rebuilt (the ids
    are kept)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in _SEARCH.SQLITE_BACKWARD[:3] + _SEARCH.SQLITE_FORWARD[1:]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("places", "0003_hospital"),
    ]

    operations = [
        # Backwards, after the old constraint's rebuild of the table.
        migrations.RunPython(migrations.RunPython.noop, fts_triggers_restore),
        migrations.AddField(
            model_name="municipality",
            name="folded_name",
            field=models.CharField(db_index=True, default="", editable=False, max_length=80),
            preserve_default=False,
        ),
        migrations.RunPython(folded_names_fill, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="address",
            name="address_unique_in_municipality",
        ),
        migrations.RunPython(duplicates_drop, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="address",
            constraint=models.UniqueConstraint(
                fields=("municipality", "street", "number", "letter"),
                name="address_unique_in_municipality"),
        ),
        migrations.RunPython(fts_triggers_restore, migrations.RunPython.noop),
    ]
