from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ImagingConfig(AppConfig):
    """Caller images (*bildöverföring från vårdsökande*)."""

    name = "imaging"
    verbose_name = "Caller images"

    def ready(self) -> None:
        from . import receivers, timers  # noqa: F401  (connects receivers, timer handlers)
        from .logs import link_token_mask_install

        post_migrate.connect(timers.ensure_purge_scheduled, sender=self)
        link_token_mask_install()
