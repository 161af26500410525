from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = "Event stream"

    def ready(self) -> None:
        from . import timers

        post_migrate.connect(timers.ensure_purge_scheduled, sender=self)
