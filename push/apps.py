from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PushConfig(AppConfig):
    name = "push"
    verbose_name = "Web Push and SMS"

    def ready(self) -> None:
        from realtime.registry import register_notifier

        from . import checks, timers  # noqa: F401  (registers the checks and timer handlers)
        from .services import notifications_schedule, notifications_withdraw

        register_notifier(notify=notifications_schedule, withdraw=notifications_withdraw)
        post_migrate.connect(timers.ensure_purge_scheduled, sender=self)
