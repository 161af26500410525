"""`manage.py check`: Web Push keys are usable, or their absence is said out loud."""

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured


@register()
def vapid_configured(app_configs, **kwargs):
    from .vapid import VapidNotConfigured, vapid_keys

    if not settings.VAPID_PRIVATE_KEY and settings.VAPID_AUTO_GENERATE:
        return []  # written on first use (embedded shape)
    try:
        vapid_keys()
    except VapidNotConfigured as exc:
        return [Warning(f"Web Push is off: {exc} Users without push get SMS only.",
                        id="push.W001")]
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="push.E001")]
    return []
