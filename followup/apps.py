from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FollowupConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "followup"
    verbose_name = "Follow-up"

    def ready(self) -> None:
        from realtime.registry import register_stream_kind

        from . import timers  # registers the monthly feedback's timer handler
        from .streams import FEEDBACK_KIND, feedback_followed, may_follow_feedback

        register_stream_kind(FEEDBACK_KIND, may_follow_feedback, followed=feedback_followed)
        post_migrate.connect(timers.ensure_monthly_feedback_scheduled, sender=self)
