"""Actions of caller images, one module per part: links (the link texted to a caller, its one
opening, its withdrawal), uploads, pipeline (processing after commit, with a watchdog),
assessment (the dispatcher's note and rotation, forwarding to the crew) and retention.
Callers use this package: `services.image_link_send(...)`.

The path of one photo: `image_link_send` (dispatcher) → SMS with /b/<token> → the caller's page
POSTs to consume it (`link_open`, an upload session in an HttpOnly cookie) → `image_upload`
stores the original (fsync) and answers "received" → after commit `image_process` decodes it in
a worker process, keeps a stripped display copy and thumbnail, deletes the original → the
console sees `image.ready`.
"""

from .assessment import ROTATIONS, image_assess, image_forward
from .links import (
    DEFAULT_SITE_URL,
    LINK_PATH,
    caller_phone_normalise,
    image_link_send,
    link_open,
    link_revoke,
    link_sms_text,
    link_state,
    link_url,
    secret_hash,
    upload_session_of,
)
from .pipeline import PROCESS_TIMER, image_process, image_process_later, image_process_watchdog
from .retention import PURGE_TIMER, images_purge, links_mask_phone
from .uploads import (
    UPLOAD_ID,
    Gone,
    TooLarge,
    Unsupported,
    gone_message,
    image_upload,
    upload_remaining,
    upload_too_large,
)

__all__ = [
    "DEFAULT_SITE_URL", "LINK_PATH", "PROCESS_TIMER", "PURGE_TIMER", "ROTATIONS", "UPLOAD_ID",
    "Gone", "TooLarge", "Unsupported", "caller_phone_normalise", "gone_message",
    "image_assess", "image_forward", "image_link_send", "image_process",
    "image_process_later", "image_process_watchdog", "image_upload", "images_purge",
    "link_open", "link_revoke", "link_sms_text", "link_state", "link_url", "links_mask_phone",
    "secret_hash", "upload_remaining", "upload_session_of", "upload_too_large",
]
