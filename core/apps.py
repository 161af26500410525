from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .aggregates import sqlite_functions_register

        connection_created.connect(sqlite_functions_register,
                                   dispatch_uid="core.sqlite_functions_register")
        checks.register(phone_region_checked, checks.Tags.compatibility)
        checks.register(map_tiles_checked, checks.Tags.security)


def phone_region_checked(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A centre in a region phonenumbers does not know would refuse every number typed."""
    from django.conf import settings

    from .phones import phone_region_check

    problem = phone_region_check(settings.PHONE_REGION)
    return [checks.Error(problem, id="core.E001")] if problem else []


def map_tiles_checked(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A MAP_TILE_URL whose host is a placeholder would need the pages' image policy to allow
    any host; the policy leaves it out (no tiles), and the start refuses it."""
    from django.conf import settings

    from .csp import template_source

    _source, problem = template_source(settings.MAP_TILE_URL or "")
    return [checks.Error(f"MAP_TILE_URL: {problem}.", id="core.E002")] if problem else []
