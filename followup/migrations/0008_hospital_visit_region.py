"""HospitalVisit.region: the reporting hospital's region, so measure 6's coverage is per region
(a visit without one counts for every region)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('crews', '0002_unit_in_service'),
        ('followup', '0007_importrun_refused'),
    ]

    operations = [
        migrations.AddField(
            model_name='hospitalvisit',
            name='region',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='crews.region'),
        ),
    ]
