"""After an upload: the image is claimed, decoded in a worker process (imaging/processing.py),
its stripped display copy and thumbnail kept and its original deleted; a stored watchdog
timer starts it again if it is lost, and gives up after IMAGING_PROCESS_MAX_ATTEMPTS."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from timers.services import timer_cancel, timer_schedule

from .. import storage, tasks
from ..events import publish_image
from ..models import CallerImage, ImageState

logger = logging.getLogger(__name__)

# Timer kind: stored in timer rows, so it never changes.
PROCESS_TIMER = "imaging.process"


def _watchdog_delay() -> timedelta:
    return timedelta(seconds=settings.IMAGING_WORKER_TIMEOUT_SECONDS + 30)


def image_process_later(image_id: int) -> None:
    """After commit; with a watchdog timer that starts it again if the process dies."""
    timer_schedule(kind=PROCESS_TIMER, key=str(image_id),
                   due_at=timezone.now() + _watchdog_delay())
    tasks.image_process_after_commit(image_id)


def image_process(*, image_id: int) -> str | None:
    """Claim one received image, decode it in a worker process, keep the display copy and
    thumbnail, delete the original (it carries EXIF and GPS). Runs outside any transaction.
    Returns the new state, None when another worker has it."""
    from ..processing import ImageRejected, image_file_process_isolated

    now = timezone.now()
    lease = now + timedelta(seconds=settings.IMAGING_WORKER_TIMEOUT_SECONDS + 15)
    claimed = CallerImage.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        pk=image_id, state=ImageState.RECEIVED,
    ).update(claimed_until=lease, process_attempts=F("process_attempts") + 1)
    if claimed != 1:
        return None
    image = CallerImage.objects.get(pk=image_id)
    original = image.original_path
    rejected: tuple[str, str] | None = None
    try:
        result = image_file_process_isolated(str(storage.absolute(image.original_path)))
    except ImageRejected as exc:
        rejected = (str(getattr(exc, "code", "rejected")), str(getattr(exc, "message", exc)))
    except Exception:
        logger.exception("Processing image %s failed", image_id)
        if image.process_attempts < settings.IMAGING_PROCESS_MAX_ATTEMPTS:
            # The watchdog tries again.
            CallerImage.objects.filter(pk=image_id, claimed_until=lease).update(
                claimed_until=None)
            return ImageState.RECEIVED
        rejected = ("error", _("The photo could not be processed."))
    fields = {"claimed_until": None, "processed_at": timezone.now(), "original_path": ""}
    new_files: tuple[str, ...] = ()
    if rejected:
        fields.update(state=ImageState.REJECTED, reject_code=rejected[0][:20],
                      reject_reason=rejected[1][:300])
    else:
        display = storage.store_bytes("display", result.display)
        thumbnail = storage.store_bytes("thumbnails", result.thumbnail)
        new_files = (display, thumbnail)
        fields.update(
            state=ImageState.READY, display_path=display, thumbnail_path=thumbnail,
            display_width=result.display_width, display_height=result.display_height,
            display_bytes=len(result.display), thumb_width=result.thumb_width,
            thumb_height=result.thumb_height,
            source_format=(result.source_format or image.source_format)[:10],
        )
    with transaction.atomic():
        done = CallerImage.objects.filter(
            pk=image_id, state=ImageState.RECEIVED, claimed_until=lease).update(**fields)
        if done != 1:
            transaction.on_commit(lambda: storage.remove(*new_files))
            return None
        timer_cancel(kind=PROCESS_TIMER, key=str(image_id))
        image = CallerImage.objects.select_related("case", "link").get(pk=image_id)
        publish_image(image, "image.ready" if image.state == ImageState.READY
                      else "image.rejected")
    storage.remove(original)
    return fields["state"]


def image_process_watchdog(*, image_id: int) -> None:
    """The watchdog fired: the image is still waiting. Start it again, or give up after
    IMAGING_PROCESS_MAX_ATTEMPTS."""
    image = CallerImage.objects.filter(pk=image_id, state=ImageState.RECEIVED).first()
    if image is None:
        return
    if image.process_attempts >= settings.IMAGING_PROCESS_MAX_ATTEMPTS:
        moved = CallerImage.objects.filter(pk=image_id, state=ImageState.RECEIVED).update(
            state=ImageState.REJECTED, reject_code="timeout", claimed_until=None,
            reject_reason=_("The photo could not be processed in time."),
            processed_at=timezone.now(), original_path="",
        )
        if moved:
            path = image.original_path
            transaction.on_commit(lambda: storage.remove(path))
            publish_image(CallerImage.objects.get(pk=image_id), "image.rejected")
        return
    image_process_later(image_id)
