"""ImportRun.refused: every refused line counted (the errors keep only the first 10,000).
Runs made before count their listed lines."""

from django.db import migrations, models


def refused_backfill(apps, schema_editor):
    ImportRun = apps.get_model("followup", "ImportRun")
    for run in ImportRun.objects.exclude(errors=[]).only("errors").iterator():
        listed = sum(1 for e in run.errors if e.get("line") is not None)
        ImportRun.objects.filter(pk=run.pk).update(refused=listed)


class Migration(migrations.Migration):

    dependencies = [
        ("followup", "0006_perf_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="refused",
            field=models.PositiveIntegerField(default=0, verbose_name="refused lines"),
        ),
        migrations.RunPython(refused_backfill, migrations.RunPython.noop),
    ]
