"""The caller's link in server logs. `GET /b/<token>` (the landing page, which SMS apps also
fetch to show a preview) would put a token that still opens the link in the ASGI server's
access log and in Django's request warnings: whoever reads the logs could upload to the case
before the caller. `LinkTokenMask` masks it in what those loggers write (`/b/•••`)."""

import logging

from push.sealing import link_secrets_masked

# uvicorn's access log; Django's warnings about requests (4xx, 5xx) and its runserver's log.
LOGGERS = ("uvicorn.access", "uvicorn.error", "django.request", "django.server")


def _masked(value):
    return link_secrets_masked(value) if isinstance(value, str) else value


class LinkTokenMask(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _masked(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _masked(arg) for key, arg in record.args.items()}
        return True


def link_token_mask_install() -> None:
    mask = LinkTokenMask()
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, LinkTokenMask) for f in logger.filters):
            logger.addFilter(mask)
