"""Retention: the files of images whose case closed IMAGING_RETENTION_DAYS ago are deleted
(the row stays), and the caller's number on those links is masked. Daily, by a stored
timer."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.phones import PHONE_MASK
from dispatch.models import CaseStatus

from .. import storage
from ..models import CallerImage, ImageLink, UploadSession

# Timer kind: stored in timer rows, so it never changes.
PURGE_TIMER = "imaging.purge"


def images_purge(*, now: datetime | None = None) -> int:
    """Delete the files of images whose case closed more than IMAGING_RETENTION_DAYS ago. The
    row stays, with deleted_at: the record that there was an image. Returns how many.

    The links of those cases keep who sent them, when, for which case and how many images
    came, but no longer the caller's whole number: it is masked to its country code and last
    two digits (`+46•••••••67`), as the live events show it. The case keeps its own callback
    number; the SMS records go with push's retention (PUSH_RETENTION_DAYS)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.IMAGING_RETENTION_DAYS)
    due = CallerImage.objects.filter(
        deleted_at__isnull=True, case__status=CaseStatus.CLOSED, case__closed_at__lt=cutoff,
    ).values_list("pk", "original_path", "display_path", "thumbnail_path")
    count = 0
    for pk, *paths in list(due):
        with transaction.atomic():
            moved = CallerImage.objects.filter(pk=pk, deleted_at__isnull=True).update(
                deleted_at=now, original_path="", display_path="", thumbnail_path="",
                claimed_until=None)
        if moved:
            storage.remove(*paths)
            count += 1
    UploadSession.objects.filter(link__case__status=CaseStatus.CLOSED,
                                 link__case__closed_at__lt=cutoff).delete()
    links_mask_phone(cutoff=cutoff)
    return count


def links_mask_phone(*, cutoff: datetime) -> int:
    """Mask the caller's number on the links of cases closed before cutoff; returns how many
    were masked now (a masked number is left as it is)."""
    masked = 0
    due = ImageLink.objects.filter(case__status=CaseStatus.CLOSED, case__closed_at__lt=cutoff
                                   ).exclude(phone__contains=PHONE_MASK).only("pk", "phone")
    for link in due.iterator():
        masked += ImageLink.objects.filter(pk=link.pk, phone=link.phone).update(
            phone=link.phone_masked)
    return masked
