"""The whole way of one photo with the real decoder (a worker process): a JPEG with GPS in its
EXIF goes in, a display copy and thumbnail without EXIF come out, the original is deleted.
And the watchdog: an image whose processing was lost is processed again, or given up."""

import io
from datetime import timedelta

import pytest
from PIL import Image

from imaging import services, storage
from imaging.models import CallerImage, ImageState
from timers.models import Timer, TimerState
from timers.services import fire_due_timers

from .conftest import caller_client

pytestmark = pytest.mark.django_db


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to show
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (59.0, 36.0, 35.0), "E", (16.0, 32.0, 41.0)
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (10, 120, 200)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_photo_with_gps_is_stored_without_any_exif(sent_link, real_processing,
                                                     django_capture_on_commit_callbacks):
    _link, token = sent_link()
    client = caller_client(token)
    photo = io.BytesIO(jpeg_with_gps())
    photo.name = "IMG_0001.jpg"
    assert b"Exif" in photo.getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/imaging/upload/",
                               {"upload_id": "real-0001", "image": photo}, format="multipart")
    assert response.status_code == 201, response.json()
    image = CallerImage.objects.get(pk=response.json()["id"])
    assert image.state == ImageState.READY, image.reject_reason
    assert (image.display_width, image.display_height) == (300, 400)  # orientation applied
    display = storage.absolute(image.display_path).read_bytes()
    assert display[:3] == b"\xff\xd8\xff" and b"Exif" not in display
    with Image.open(io.BytesIO(display)) as shown:
        assert not shown.getexif() and "icc_profile" not in shown.info
    assert not (storage.root() / "originals").exists() or not any(
        (storage.root() / "originals").iterdir())


def test_a_lost_processing_is_started_again_by_its_watchdog(caller, fake_processing,
                                                            settings):
    # Nothing runs after commit here (no capture): as if the process died after answering.
    image_id = caller.upload().json()["id"]
    timer = Timer.objects.get(kind=services.PROCESS_TIMER, key=str(image_id))
    assert CallerImage.objects.get(pk=image_id).state == ImageState.RECEIVED
    fire_due_timers(now=timer.due_at + timedelta(seconds=1))
    # The watchdog schedules the work after its own commit, with a new watchdog.
    assert Timer.objects.filter(kind=services.PROCESS_TIMER, key=str(image_id),
                                state=TimerState.PENDING).exists()
    assert services.image_process(image_id=image_id) == ImageState.READY
    assert not Timer.objects.filter(kind=services.PROCESS_TIMER, key=str(image_id),
                                    state=TimerState.PENDING).exists()
    assert services.image_process(image_id=image_id) is None  # claimed once only


def test_an_image_that_never_gets_processed_is_rejected_in_the_end(caller, fake_processing,
                                                                   settings):
    image_id = caller.upload().json()["id"]
    CallerImage.objects.filter(pk=image_id).update(
        process_attempts=settings.IMAGING_PROCESS_MAX_ATTEMPTS)
    services.image_process_watchdog(image_id=image_id)
    image = CallerImage.objects.get(pk=image_id)
    assert image.state == ImageState.REJECTED and image.reject_code == "timeout"


def test_in_the_production_shape_processing_is_queued_as_a_celery_task_after_commit(
        caller, settings, monkeypatch, django_capture_on_commit_callbacks):
    from imaging import tasks

    settings.IMAGING_PROCESS_IN_PROCESS = False
    queued = []
    monkeypatch.setattr(tasks.image_process_task, "delay", lambda image_id: queued.append(image_id))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        image_id = caller.upload().json()["id"]
    assert queued == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert queued == [image_id]
    assert tasks.image_process_task.name == "imaging.process"


def test_a_crash_while_processing_leaves_the_image_for_the_watchdog(
        caller, monkeypatch, django_capture_on_commit_callbacks):
    from imaging import processing

    def crash(path):
        raise OSError("worker pool broken")

    monkeypatch.setattr(processing, "image_file_process_isolated", crash)
    with django_capture_on_commit_callbacks(execute=True):
        image_id = caller.upload().json()["id"]
    image = CallerImage.objects.get(pk=image_id)
    assert image.state == ImageState.RECEIVED and image.claimed_until is None
    assert storage.absolute(image.original_path).exists()
    assert Timer.objects.filter(kind=services.PROCESS_TIMER, key=str(image_id),
                                state=TimerState.PENDING).exists()
