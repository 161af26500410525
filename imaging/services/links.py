"""The link texted to a caller (*bildlänk*): sent by the dispatcher, opened once by the
caller's page and swapped for an upload session, withdrawn when no longer wanted. Only the
hashes of the link's token and the session's secret are stored (the SMS record masks the token
and keeps the text to send sealed only until it is sent: push.sealing)."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AccessAction
from core.errors import Conflict, Invalid
from core.phones import PhoneNumberInvalid, phone_normalise
from dispatch.models import Case, CaseStatus
from push.services import sms_queue_to_number

from ..access import link_record
from ..events import publish_link
from ..models import ImageLink, UploadSession

LINK_PATH = "/b/"
# The address when neither a configured public address nor the dispatcher's request gives one
# (a management command, a test): make run's default.
DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def secret_hash(value: str) -> str:
    return hashlib.sha256((value or "").encode("utf-8", "surrogatepass")).hexdigest()


def link_url(token: str, *, site_url: str = "") -> str:
    """The caller's link: on the configured public address (IMAGING_PUBLIC_URL, else
    SMS_SITE_URL) when there is one, else on the address the dispatcher's console was served
    at (site_url: the request's scheme, host and port), so the link works whatever PORT the
    product runs on."""
    base = settings.IMAGING_PUBLIC_URL or settings.SMS_SITE_URL or site_url or DEFAULT_SITE_URL
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
def image_link_send(*, case: Case, phone: str, by, site_url: str = "") -> tuple[ImageLink, str]:
    """Text the caller a link to upload images to this case (*bildlänk*); site_url: the
    address the dispatcher reached the product at (link_url). Returns the link and its token:
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
    # The token is the SMS's secret: its record keeps the text with it masked.
    link.sms = sms_queue_to_number(
        to=number, message=link_sms_text(link_url(token, site_url=site_url)),
        tag=f"image-link-{link.pk}", secret=token)
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
