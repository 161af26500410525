"""Where CAP goes (*CAP-mottagare*): https, or plain http on this machine only, and the words
CapDelivery.last_error starts with for the cases the screens tell in their own words."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# The start of CapDelivery.last_error when its endpoint is plain http off the loopback.
CAP_NOT_HTTPS_ERROR = "not https: "


def cap_endpoint_allowed(url: str) -> bool:
    """https, or http on the loopback only (the tests' and the benchmark's stand-ins): an
    alarm and the bearer token it carries never cross a network in clear."""
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http"
                                       and (parts.hostname or "") in LOOPBACK_HOSTS)


def validate_cap_endpoint(value: str) -> None:
    if value and not cap_endpoint_allowed(value):
        raise ValidationError(_("A CAP endpoint must be https:// (plain http only on this "
                                "machine: 127.0.0.1 or localhost)."), code="cap_not_https")


# The start of CapDelivery.last_error while it waits for an earlier message to the region.
CAP_WAITING_ERROR = "waits for "
