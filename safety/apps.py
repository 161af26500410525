from django.apps import AppConfig


class SafetyConfig(AppConfig):
    """Crew safety (seed 002): risk notices, crew reports of threats and violence, sharing with
    partner organisations, and the crew's panic alarm."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "safety"
    verbose_name = "Crew safety"

    def ready(self) -> None:
        # dispatch's signals, the panic timer, the escalation's numbers (manage.py check)
        from . import panic_checks, receivers, timers  # noqa: F401
        from .panic_events import register as panic_register

        panic_register()
