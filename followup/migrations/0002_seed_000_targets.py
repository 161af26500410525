"""The targets seed 000 §3 sets: measure 1 at most 80 s, measure 2 at most 8 s, measure 7 at
least 95 %, for every region, from the start of the plan (2022)."""

from datetime import date

from django.db import migrations

TARGETS = [(1, "at_most", 80.0), (2, "at_most", 8.0), (7, "at_least", 0.95)]


def targets_add(apps, schema_editor):
    MeasureTarget = apps.get_model("followup", "MeasureTarget")
    for measure, comparison, value in TARGETS:
        MeasureTarget.objects.get_or_create(
            measure=measure, region=None, valid_from=date(2022, 1, 1),
            defaults={"comparison": comparison, "value": value, "note": "Seed 000 §3"})


def targets_remove(apps, schema_editor):
    apps.get_model("followup", "MeasureTarget").objects.filter(note="Seed 000 §3").delete()


class Migration(migrations.Migration):
    dependencies = [("followup", "0001_initial")]
    operations = [migrations.RunPython(targets_add, targets_remove)]
