"""The dispatcher's work on a caller's image: assessing it (a note, the rotation it is best
seen at) and forwarding it to the crew of every unit on the case."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AccessAction
from core.errors import Conflict, Invalid
from dispatch.models import ACTIVE_STATUSES, Assignment

from ..access import images_record
from ..events import publish_forwarded, publish_image
from ..models import CallerImage, ImageForward, ImageState

ROTATIONS = (0, 90, 180, 270)


def _usable(image: CallerImage) -> None:
    if image.deleted_at is not None:
        raise Conflict(_("The image was deleted after the retention time."))


@transaction.atomic
def image_assess(*, image: CallerImage, by, note: str | None = None,
                 rotation: int | None = None) -> CallerImage:
    """Mark an image assessed, with a note and the rotation it is best seen at."""
    image = CallerImage.objects.select_for_update().select_related("case", "link").get(
        pk=image.pk)
    _usable(image)
    if rotation is not None:
        if rotation not in ROTATIONS:
            raise Invalid(_("rotation must be 0, 90, 180 or 270."))
        image.rotation = rotation
    if note is not None:
        image.note = note.strip()[:500]
    image.assessed_by, image.assessed_at = by, timezone.now()
    image.save(update_fields=["rotation", "note", "assessed_by", "assessed_at"])
    images_record(user=by, images=[image], reason="caller image assessed",
                  action=AccessAction.UPDATE)
    publish_image(image, "image.updated")
    return image


@transaction.atomic
def image_forward(*, image: CallerImage, by) -> list[ImageForward]:
    """Send the image on to the crew of every unit on the case now (the tablets are told and
    fetch it). Forwarding again reaches units dispatched since."""
    image = CallerImage.objects.select_for_update().select_related("case", "link").get(
        pk=image.pk)
    _usable(image)
    if image.state != ImageState.READY:
        raise Conflict(_("Only a processed image can be forwarded."))
    assignments = list(Assignment.objects.filter(case_id=image.case_id,
                                                 status__in=ACTIVE_STATUSES).order_by("pk"))
    if not assignments:
        raise Conflict(_("No unit is on this case now: dispatch a unit, then forward the "
                         "image."))
    now = timezone.now()
    forwards = []
    for assignment in assignments:
        forward, created = ImageForward.objects.get_or_create(
            image=image, assignment=assignment,
            defaults={"forwarded_by": by, "forwarded_at": now})
        forwards.append(forward)
        if created:
            publish_forwarded(image, assignment)
    image.forwarded_at = now
    if image.forwarded_to_id is None:
        image.forwarded_to = assignments[0]
    image.save(update_fields=["forwarded_at", "forwarded_to"])
    images_record(user=by, images=[image], reason="caller image forwarded to the crew",
                  action=AccessAction.UPDATE)
    publish_image(image, "image.updated")
    return forwards
