"""The caller's upload session cookie, for the caller's pages (frontend/caller.py: /b/<token>,
/b/) and the upload API: the session travels in an HttpOnly, SameSite=Strict cookie, never in
the address."""

from datetime import datetime

from django.conf import settings

from . import services
from .models import UploadSession


def set_upload_cookie(response, *, secret: str, expires_at: datetime) -> None:
    """Give the caller's browser its upload session (after services.link_open)."""
    response.set_cookie(
        settings.IMAGING_UPLOAD_COOKIE, secret, expires=expires_at, path="/",
        secure=settings.IMAGING_UPLOAD_COOKIE_SECURE, httponly=True, samesite="Strict",
    )


def upload_session_from_request(request) -> UploadSession | None:
    """The caller's live upload session, None without one (expired, withdrawn, unknown)."""
    secret = request.COOKIES.get(settings.IMAGING_UPLOAD_COOKIE)
    if not secret:
        return None
    return services.upload_session_of(secret=secret)
