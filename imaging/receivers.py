"""Caller images react to push: an image link's SMS was sent, failed or delivered → the
console's link shows it. push does not know imaging; it only signals."""

import logging

from django.db import transaction
from django.dispatch import receiver

from push.signals import sms_status_changed

from .events import publish_link
from .models import ImageLink

logger = logging.getLogger(__name__)


@receiver(sms_status_changed, dispatch_uid="imaging.sms_status")
def on_sms_status(sender, sms_id, **kwargs) -> None:
    try:
        with transaction.atomic():
            for link in ImageLink.objects.select_related("sms").filter(sms_id=sms_id):
                publish_link(link, "image_link.updated")
    except Exception:
        logger.exception("Could not tell the console about SMS %s", sms_id)
