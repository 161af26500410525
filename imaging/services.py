"""Actions of caller images: the link texted to a caller, its one opening, uploads, processing,
the dispatcher's assessment, forwarding to the crew, and deletion after the retention time.

The path of one photo: `image_link_send` (dispatcher) → SMS with /b/<token> → the caller's page
POSTs to consume it (`link_open`, an upload session in an HttpOnly cookie) → `image_upload`
stores the original (fsync) and answers "received" → after commit `image_process` decodes it in
a worker process, keeps a stripped display copy and thumbnail, deletes the original → the
console sees `image.ready`.
"""

import hashlib
import logging
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AccessAction
from core.errors import Conflict, DomainError, Invalid
from core.phones import PHONE_MASK, PhoneNumberInvalid, phone_normalise
from dispatch.models import ACTIVE_STATUSES, Assignment, Case, CaseStatus
from push.services import sms_queue_to_number
from timers.services import timer_cancel, timer_schedule

from . import storage, tasks
from .access import images_record, link_record
from .events import publish_forwarded, publish_image, publish_link
from .models import CallerImage, ImageForward, ImageLink, ImageState, UploadSession

logger = logging.getLogger(__name__)

PROCESS_TIMER = "imaging.process"
PURGE_TIMER = "imaging.purge"
LINK_PATH = "/b/"
UPLOAD_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")
ROTATIONS = (0, 90, 180, 270)
DEFAULT_SITE_URL = "http://127.0.0.1:8000"  # make run's address, when nothing is configured


class Gone(DomainError):
    """The link or upload session expired, was used up or withdrawn."""

    status_code = 410


class TooLarge(DomainError):
    status_code = 413


class Unsupported(DomainError):
    status_code = 415


def secret_hash(value: str) -> str:
    return hashlib.sha256((value or "").encode("utf-8", "surrogatepass")).hexdigest()


def gone_message() -> str:
    return _("This image link can no longer be used. If you still need help, call %(number)s "
             "again.") % {"number": settings.IMAGING_EMERGENCY_NUMBER or "112"}


# --- links -------------------------------------------------------------------------------


def link_url(token: str) -> str:
    base = (settings.IMAGING_PUBLIC_URL or settings.SMS_SITE_URL or DEFAULT_SITE_URL)
    return f"{base.rstrip('/')}{LINK_PATH}{token}"


def link_sms_text(url: str) -> str:
    """Swedish and English (the caller's language is unknown), GSM 7-bit, no patient data."""
    minutes = max(1, settings.IMAGING_LINK_TTL_SECONDS // 60)
    return (f"Larmcentralen: skicka en bild via länken (giltig {minutes} min). "
            f"Send a photo via the link (valid {minutes} min): {url}")


def caller_phone_normalise(phone: str) -> str:
    """The caller's mobile as the dispatcher typed it, made E.164 (070-123 45 67 →
    +46701234567); refused with a message when it is not a number we can text."""
    try:
        return phone_normalise(phone)
    except PhoneNumberInvalid:
        raise Invalid(_("Give the caller's mobile number, e.g. 070-123 45 67 or "
                        "+46701234567.")) from None


@transaction.atomic
def image_link_send(*, case: Case, phone: str, by) -> tuple[ImageLink, str]:
    """Text the caller a link to upload images to this case. Returns the link and its token:
    the token goes in the SMS and nowhere else (only its hash is stored)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.OPEN:
        raise Conflict(_("The case is closed: no image link can be sent for it."))
    number = caller_phone_normalise(phone)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    link = ImageLink.objects.create(
        case=case, phone=number, token_hash=secret_hash(token), created_by=by, created_at=now,
        expires_at=now + timedelta(seconds=settings.IMAGING_LINK_TTL_SECONDS),
        max_images=settings.IMAGING_LINK_MAX_IMAGES,
    )
    link.sms = sms_queue_to_number(to=number, message=link_sms_text(link_url(token)),
                                   tag=f"image-link-{link.pk}")
    link.save(update_fields=["sms"])
    # Who sent which link to which number, for the case's patient.
    link_record(user=by, link=link, reason="image link sent by SMS",
                action=AccessAction.CREATE)
    publish_link(link, "image_link.created")
    return link, token


def _link_usable(now: datetime) -> Q:
    return Q(opened_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


def link_state(*, token: str) -> str:
    """"valid" or "invalid", without consuming the link: SMS apps fetch a link to show a
    preview, so the landing page's GET must leave it usable; the page POSTs to open it."""
    usable = ImageLink.objects.filter(_link_usable(timezone.now()),
                                      token_hash=secret_hash(token)).exists()
    return "valid" if usable else "invalid"


def link_open(*, token: str) -> tuple[UploadSession, str] | None:
    """Consume the link once and swap it for an upload session; returns (session, secret).

    Unknown, expired, used and withdrawn links all get None after the same single UPDATE
    (the token is hashed either way), so neither the answer nor its timing tells them apart.
    """
    token_hash = secret_hash(token)
    now = timezone.now()
    with transaction.atomic():
        opened = ImageLink.objects.filter(_link_usable(now), token_hash=token_hash).update(
            opened_at=now)
        if opened != 1:
            return None
        link = ImageLink.objects.select_related("sms").get(token_hash=token_hash)
        secret = secrets.token_urlsafe(32)
        session = UploadSession.objects.create(link=link, secret_hash=secret_hash(secret),
                                               created_at=now, expires_at=link.expires_at)
        publish_link(link, "image_link.updated")
    return session, secret


def upload_session_of(*, secret: str | None) -> UploadSession | None:
    """The live upload session of a cookie's secret; None when unknown, expired or withdrawn."""
    return UploadSession.objects.select_related("link").filter(
        secret_hash=secret_hash(secret or ""), expires_at__gt=timezone.now(),
        link__revoked_at__isnull=True,
    ).first()


@transaction.atomic
def link_revoke(*, link: ImageLink, by) -> ImageLink:
    """Withdraw a link (sent to the wrong number, or no longer wanted): no more uploads."""
    revoked = ImageLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by)
    link = ImageLink.objects.select_related("sms", "case").get(pk=link.pk)
    # Who withdrew which link (the answer shows the number it went to) is on record.
    link_record(user=by, link=link, reason="image link revoked",
                action=AccessAction.UPDATE if revoked else AccessAction.READ)
    if revoked:
        publish_link(link, "image_link.updated")
    return link


# --- uploads -----------------------------------------------------------------------------


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
    from .processing import sniff_format

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
            _process_later(image.pk)
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


# --- processing --------------------------------------------------------------------------


def _watchdog_delay() -> timedelta:
    return timedelta(seconds=settings.IMAGING_WORKER_TIMEOUT_SECONDS + 30)


def _process_later(image_id: int) -> None:
    """After commit; with a watchdog timer that starts it again if the process dies."""
    timer_schedule(kind=PROCESS_TIMER, key=str(image_id),
                   due_at=timezone.now() + _watchdog_delay())
    tasks.image_process_after_commit(image_id)


def image_process(*, image_id: int) -> str | None:
    """Claim one received image, decode it in a worker process, keep the display copy and
    thumbnail, delete the original (it carries EXIF and GPS). Runs outside any transaction.
    Returns the new state, None when another worker has it."""
    from .processing import ImageRejected, image_file_process_isolated

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
    _process_later(image_id)


# --- the dispatcher ----------------------------------------------------------------------


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


# --- retention ---------------------------------------------------------------------------


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
