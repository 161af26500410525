"""Integration tokens of our own (accounts.ApiToken: a SHA-256 of the key, an expiry, a tie to
the session that made them) replace rest_framework.authtoken, and the sign-in lockout counts
by address as well as by name.

Every token of the old table is revoked: its table is dropped (its keys were kept in clear,
never expired and were handed to every role). Integrations ask for a new token. The lockout's
counts are kept, as counts by name.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def drop_old_tokens(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS authtoken_token")
    schema_editor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_user_role_coordinator"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="is_service_account",
            field=models.BooleanField(
                default=False,
                help_text="An integration's account, not a person's: it never signs in with "
                          "a password; an administrator issues its tokens.",
                verbose_name="service account"),
        ),
        migrations.RenameField(model_name="loginthrottle", old_name="username", new_name="key"),
        migrations.AlterField(
            model_name="loginthrottle", name="key", field=models.CharField(max_length=150)),
        migrations.AddField(
            model_name="loginthrottle",
            name="kind",
            field=models.CharField(choices=[("name", "User name"), ("address", "Address")],
                                   default="name", max_length=10),
        ),
        migrations.AddConstraint(
            model_name="loginthrottle",
            constraint=models.UniqueConstraint(fields=("kind", "key"),
                                               name="login_throttle_kind_key"),
        ),
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("key_hash", models.CharField(max_length=64, unique=True)),
                ("prefix", models.CharField(max_length=8)),
                ("label", models.CharField(blank=True, max_length=120)),
                ("session_key", models.CharField(blank=True, db_index=True, max_length=40)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField()),
                ("last_used_at", models.DateTimeField(blank=True, null=True)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                ("created_by", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                    related_name="+", to=settings.AUTH_USER_MODEL)),
                ("revoked_by", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                    related_name="+", to=settings.AUTH_USER_MODEL)),
                ("user", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="api_tokens",
                    to=settings.AUTH_USER_MODEL)),
            ],
            options={"ordering": ["-created_at"]},
        ),
        migrations.RunPython(drop_old_tokens, migrations.RunPython.noop),
    ]
