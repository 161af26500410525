"""Event payloads of caller images: ids, states, sizes, times and the URLs of the authorised
views, never the image bytes, the caller's full number or the patient's identity."""

from django.urls import reverse

from core.times import iso
from crews.streams import unit_stream
from dispatch.streams import DISPATCH_STREAM
from realtime.services import event_publish

from .models import CallerImage, ImageLink, ImageState


def sms_state(link: ImageLink) -> str:
    """queued, sent, failed, or the provider's report (delivered, failed); "" when push has
    purged the SMS record."""
    sms = link.sms
    if sms is None:
        return ""
    return sms.delivery_status or sms.state


def link_data(link: ImageLink) -> dict:
    return {
        "id": link.pk,
        "case": link.case_id,
        "phone_masked": link.phone_masked,
        "created_at": iso(link.created_at),
        "expires_at": iso(link.expires_at),
        "max_images": link.max_images,
        "images_received": link.images_received,
        "opened_at": iso(link.opened_at),
        "revoked_at": iso(link.revoked_at),
        "sms_state": sms_state(link),
    }


def image_urls(image: CallerImage) -> dict:
    shown = image.state == ImageState.READY and image.deleted_at is None
    return {
        "display_url": reverse("api-imaging-image-display", args=[image.pk]) if shown else None,
        "thumbnail_url": reverse("api-imaging-image-thumbnail", args=[image.pk])
        if shown else None,
    }


def image_data(image: CallerImage) -> dict:
    return {
        "id": image.pk,
        "case": image.case_id,
        "link": image.link_id,
        "state": image.state,
        "reject_reason": image.reject_reason,
        "received_at": iso(image.received_at),
        "processed_at": iso(image.processed_at),
        "display_width": image.display_width,
        "display_height": image.display_height,
        "thumb_width": image.thumb_width,
        "thumb_height": image.thumb_height,
        "rotation": image.rotation,
        "note": image.note,
        "assessed_at": iso(image.assessed_at),
        "assessed_by": image.assessed_by_id,
        "forwarded_at": iso(image.forwarded_at),
        "forwarded_to": image.forwarded_to_id,
        "deleted_at": iso(image.deleted_at),
        **image_urls(image),
    }


def publish_link(link: ImageLink, type: str) -> None:
    event_publish(stream=DISPATCH_STREAM, type=type, data=link_data(link))


def publish_image(image: CallerImage, type: str) -> None:
    event_publish(stream=DISPATCH_STREAM, type=type, data=image_data(image))


def publish_forwarded(image: CallerImage, assignment) -> None:
    """To the tablets of the unit on the assignment: the crew then fetches the image over
    HTTP, where the view is logged."""
    event_publish(stream=unit_stream(assignment.unit_id), type="image.forwarded",
                  data={**image_data(image), "assignment": assignment.pk})
