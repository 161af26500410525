"""The embedded shape: processing runs in a thread of the serving process after commit, and
the answer to the caller does not wait for it."""

import io
import threading

import pytest

from imaging import processing, services, tasks
from imaging.models import CallerImage, ImageState

from .conftest import caller_client, jpeg_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_processing_runs_in_the_pool_after_the_caller_got_the_answer(
        demo, new_case, fake_processing, settings, monkeypatch):
    settings.IMAGING_PROCESS_THREADS = 2
    started, release = threading.Event(), threading.Event()
    quick = processing.image_file_process_isolated  # the fake

    def slow(path):
        started.set()
        assert release.wait(10)
        return quick(path)

    monkeypatch.setattr(processing, "image_file_process_isolated", slow)
    _link, token = services.image_link_send(case=new_case(), phone="0701234567", by=demo.anna)
    photo = io.BytesIO(jpeg_bytes())
    photo.name = "p.jpg"
    response = caller_client(token).post(
        "/api/imaging/upload/", {"upload_id": "pool-0001", "image": photo}, format="multipart")
    assert response.status_code == 201 and response.json()["state"] == "received"
    assert started.wait(10)
    assert CallerImage.objects.get().state == ImageState.RECEIVED
    release.set()
    assert tasks.wait_idle(10)
    assert CallerImage.objects.get().state == ImageState.READY
    assert len(fake_processing.calls) == 1
