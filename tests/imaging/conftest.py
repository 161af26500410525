"""Caller images: a store in the test's own directory, processing inline after commit, the
console SMS backend, a generated photo, and a caller's browser holding an upload session.

Until a test asks for `real_processing`, decoding is replaced by a fake that answers at once
(the pipeline itself is tested in tests/imaging/test_processing.py).
"""

import io
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from PIL import Image
from rest_framework.test import APIClient

from imaging import processing, services
from imaging.processing import ProcessedImage
from push import sender


@pytest.fixture(autouse=True)
def imaging_settings(settings, tmp_path):
    settings.IMAGING_STORAGE_DIR = tmp_path / "images"
    settings.IMAGING_PROCESS_IN_PROCESS = True
    settings.IMAGING_PROCESS_THREADS = 0
    settings.IMAGING_PUBLIC_URL = "https://bild.larm.example"
    settings.IMAGING_LINK_TTL_SECONDS = 1800
    settings.IMAGING_LINK_MAX_IMAGES = 5
    settings.PUSH_SEND_THREADS = 0
    settings.SMS_BACKEND = "console"
    settings.SMS_OUTBOX_PATH = tmp_path / "sms-outbox.log"
    settings.SMS_CALLBACK_BASE_URL = ""
    settings.SMS_CALLBACK_SECRET = ""
    cache.clear()  # throttles count in the cache
    yield settings
    assert sender.wait_idle(10)
    cache.clear()


def jpeg_bytes(size=(64, 48), color=(200, 30, 30), exif=None) -> bytes:
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, color).save(out, "JPEG", quality=80, **kwargs)
    return out.getvalue()


@pytest.fixture
def fake_processing(monkeypatch):
    """Decoding answers at once; `calls` lists the paths it was given."""
    state = SimpleNamespace(calls=[], reject=None)

    def fake(path: str) -> ProcessedImage:
        state.calls.append(path)
        if state.reject:
            raise processing.ImageRejected(state.reject, "The image could not be read.")
        return ProcessedImage(display=jpeg_bytes((160, 120)), display_width=160,
                              display_height=120, thumbnail=jpeg_bytes((32, 24)),
                              thumb_width=32, thumb_height=24, source_format="JPEG",
                              content_type="image/jpeg")

    monkeypatch.setattr(processing, "image_file_process_isolated", fake)
    return state


@pytest.fixture
def real_processing():
    """The real pipeline (a worker process); nothing is replaced."""
    return processing.image_file_process_isolated


@pytest.fixture
def case(new_case):
    return new_case()


@pytest.fixture
def sent_link(demo, case, django_capture_on_commit_callbacks):
    """sent_link(case=None, phone=...) -> (link, token), the SMS sent after commit."""

    def make(case=case, phone="070-123 45 67"):
        with django_capture_on_commit_callbacks(execute=True):
            return services.image_link_send(case=case, phone=phone, by=demo.anna)

    return make


def caller_client(token: str | None = None, *, secret: str | None = None,
                  address: str = "198.51.100.7") -> APIClient:
    """A phone with no account: the upload-session cookie is all it has."""
    client = APIClient(REMOTE_ADDR=address)
    if token is not None:
        _session, secret = services.link_open(token=token)
    if secret is not None:
        client.cookies[django_settings.IMAGING_UPLOAD_COOKIE] = secret
    return client


@pytest.fixture
def caller(sent_link, fake_processing):
    """A caller who opened a fresh link: .client, .link, .token, .upload(upload_id, data)."""
    link, token = sent_link()
    client = caller_client(token)

    def upload(upload_id="upload-0001", data=None, name="photo.jpg", **extra):
        payload = {"upload_id": upload_id,
                   "image": _file(data if data is not None else jpeg_bytes(), name)}
        return client.post("/api/imaging/upload/", payload, format="multipart", **extra)

    return SimpleNamespace(client=client, link=link, token=token, upload=upload)


def _file(data: bytes, name: str):
    f = io.BytesIO(data)
    f.name = name
    return f
