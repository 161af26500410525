"""The caller's uploads through an upload session: each photo is stored (fsync) and counted
against the link before the answer, then processed after commit."""

import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, Invalid

from .. import storage
from ..events import publish_image, publish_link
from ..models import CallerImage, ImageLink, UploadSession
from ..sniffing import sniff_format
from .pipeline import image_process_later

UPLOAD_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")


class Gone(DomainError):
    """The link or upload session expired, was used up or withdrawn."""

    status_code = 410


class TooLarge(DomainError):
    status_code = 413


class Unsupported(DomainError):
    status_code = 415


def gone_message() -> str:
    return _("This image link can no longer be used. If you still need help, call %(number)s "
             "again.") % {"number": settings.IMAGING_EMERGENCY_NUMBER or "112"}


def upload_too_large() -> TooLarge:
    mb = settings.IMAGING_MAX_UPLOAD_BYTES // (1024 * 1024)
    return TooLarge(_("The photo is too large (at most %(mb)s MB). Take a new photo or "
                      "choose a smaller one.") % {"mb": mb})


def image_upload(*, session: UploadSession, upload_id: str, file) -> tuple[CallerImage, bool]:
    """Store one photo from the caller; returns (image, created).

    The same upload_id again (a retry after a lost answer) returns the first image and counts
    once. The answer comes only after the original is on disk and its row committed: then
    processing starts.
    """
    if not isinstance(upload_id, str) or not UPLOAD_ID.match(upload_id):
        raise Invalid(_("upload_id: use 8 to 100 letters, digits, '-', '_', '.' or ':'."))
    link = session.link
    existing = CallerImage.objects.filter(link=link, upload_id=upload_id).first()
    if existing is not None:
        return existing, False
    if file is None:
        raise Invalid(_("Choose a photo to send."))
    if file.size is not None and file.size > settings.IMAGING_MAX_UPLOAD_BYTES:
        raise upload_too_large()
    file.seek(0)
    head = file.read(64)
    file.seek(0)
    source_format = sniff_format(head)
    if source_format is None:
        raise Unsupported(_("This file is not a photo we can take. Send a JPEG, PNG, WebP "
                            "or HEIC photo."))
    now = timezone.now()
    if not ImageLink.objects.filter(pk=link.pk, images_received__lt=F("max_images"),
                                    revoked_at__isnull=True, expires_at__gt=now).exists():
        raise Gone(gone_message())
    try:
        relative, size = storage.store_upload(file, max_bytes=settings.IMAGING_MAX_UPLOAD_BYTES)
    except ValueError:
        raise upload_too_large() from None
    try:
        with transaction.atomic():
            counted = ImageLink.objects.filter(
                pk=link.pk, images_received__lt=F("max_images"), revoked_at__isnull=True,
                expires_at__gt=now,
            ).update(images_received=F("images_received") + 1)
            if counted != 1:
                raise Gone(gone_message())
            image = CallerImage.objects.create(
                case_id=link.case_id, link=link, upload_id=upload_id, original_path=relative,
                original_bytes=size, source_format=source_format, received_at=now,
            )
            publish_image(image, "image.received")
            publish_link(ImageLink.objects.select_related("sms").get(pk=link.pk),
                         "image_link.updated")
            image_process_later(image.pk)
    except IntegrityError:
        storage.remove(relative)  # the same upload_id stored at the same moment
        return CallerImage.objects.get(link=link, upload_id=upload_id), False
    except BaseException:
        storage.remove(relative)
        raise
    return image, True


def upload_remaining(*, session: UploadSession) -> int:
    link = ImageLink.objects.get(pk=session.link_id)
    if link.revoked_at or link.expires_at <= timezone.now():
        return 0
    return max(0, link.max_images - link.images_received)
