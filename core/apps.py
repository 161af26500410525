from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        checks.register(phone_region_checked, checks.Tags.compatibility)


def phone_region_checked(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A centre in a region phonenumbers does not know would refuse every number typed."""
    from django.conf import settings

    from .phones import phone_region_check

    problem = phone_region_check(settings.PHONE_REGION)
    return [checks.Error(problem, id="core.E001")] if problem else []
