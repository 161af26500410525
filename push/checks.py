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


@register(deploy=True)
def sms_backend_sends(app_configs, **kwargs):
    """`check --deploy`: a centre (a database server, DEBUG off) must text people. The console
    backend sends nothing and writes each message, a caller's link included, to a file that is
    backed up with the service's folder; 46elks without its credentials fails every SMS."""
    if settings.DEBUG or not settings.DATABASE_URL:
        return []
    if settings.SMS_BACKEND == "console":
        return [Error("SMS_BACKEND is 'console': no text message is sent (each is written to "
                      "SMS_OUTBOX_PATH instead, links to callers' cameras included).",
                      hint="SMS_BACKEND=46elks with SMS_46ELKS_USERNAME and "
                           "SMS_46ELKS_PASSWORD, or the dotted path of your provider's "
                           "backend.", id="push.E002")]
    if settings.SMS_BACKEND == "46elks" and not (
            settings.SMS_46ELKS_USERNAME and settings.SMS_46ELKS_PASSWORD):
        return [Warning("SMS_BACKEND is '46elks' but SMS_46ELKS_USERNAME or "
                        "SMS_46ELKS_PASSWORD is empty: every text message will fail.",
                        hint="The API credentials from 46elks' dashboard.", id="push.W002")]
    return []
