"""Browsers' push subscriptions, one per user and device, pointing only at known push
services."""

from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Invalid, NotFound

from ..models import PushSubscription

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def endpoint_validate(endpoint: str) -> str:
    """A push service's https URL (in PUSH_ENDPOINT_HOSTS when that is set); plain http only to
    127.0.0.1/localhost and only with PUSH_ALLOW_INSECURE_ENDPOINTS (tests)."""
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        raise Invalid(_("The endpoint is not a URL.")) from None
    if parts.username or parts.password or not host:
        raise Invalid(_("The endpoint is not a push service URL."))
    if parts.scheme == "http" and host in LOOPBACK_HOSTS and \
            settings.PUSH_ALLOW_INSECURE_ENDPOINTS:
        return endpoint
    if parts.scheme != "https":
        raise Invalid(_("The endpoint must be an https URL."))
    allowed = settings.PUSH_ENDPOINT_HOSTS
    if allowed and not any(
        host == entry or (entry.startswith(".") and host.endswith(entry)) for entry in allowed
    ):
        raise Invalid(_("The endpoint %(host)s is not a known push service.") % {"host": host})
    return endpoint


def subscription_save(
    *, user, device_id, endpoint: str, p256dh: str, auth: str,
    expires_at: datetime | None = None, user_agent: str = "",
) -> tuple[PushSubscription, bool]:
    """Store a browser's push subscription for (user, device): created or replaced. The
    endpoint moves to this user and device if someone else had registered it."""
    endpoint_validate(endpoint)
    now = timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                PushSubscription.objects.filter(endpoint=endpoint).exclude(
                    user=user, device_id=device_id
                ).delete()
                return PushSubscription.objects.update_or_create(
                    user=user, device_id=device_id,
                    defaults={"endpoint": endpoint, "p256dh": p256dh, "auth": auth,
                              "expires_at": expires_at, "user_agent": user_agent[:200],
                              "updated_at": now},
                    create_defaults={"endpoint": endpoint, "p256dh": p256dh, "auth": auth,
                                     "expires_at": expires_at, "user_agent": user_agent[:200],
                                     "created_at": now, "updated_at": now},
                )
        except IntegrityError:
            continue  # the same endpoint or device saved at the same moment: once more
    raise Conflict(_("The subscription changed at the same time; send it again."))


def subscription_delete(*, user, device_id) -> None:
    deleted, _details = PushSubscription.objects.filter(user=user, device_id=device_id).delete()
    if not deleted:
        raise NotFound(_("You have no push subscription for this device."))
