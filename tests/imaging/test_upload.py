"""The caller's upload: the session cookie is all it takes and all it gets; "received" only
once the original is on disk; a retry never makes a second image; limits answered before the
photo is read; rate limits; processing after commit."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from dispatch.streams import DISPATCH_STREAM
from imaging import storage
from imaging.models import CallerImage, ImageLink, ImageState, UploadSession
from realtime.models import Event

from .conftest import caller_client, jpeg_bytes

pytestmark = pytest.mark.django_db


def stored_files(kind: str) -> list:
    directory = storage.root() / kind
    return sorted(directory.iterdir()) if directory.exists() else []


def test_an_upload_is_received_once_the_original_is_stored(caller):
    response = caller.upload()
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "received" and body["remaining"] == 4
    image = CallerImage.objects.get(pk=body["id"])
    assert image.case == caller.link.case and image.link == caller.link
    assert image.source_format == "JPEG"
    [original] = stored_files("originals")
    assert storage.absolute(image.original_path) == original.resolve()
    assert original.read_bytes() == jpeg_bytes()
    assert oct(original.stat().st_mode & 0o777) == "0o600"
    assert response["Referrer-Policy"] == "no-referrer"


def test_processing_after_commit_keeps_the_copies_and_deletes_the_original(
        caller, fake_processing, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = caller.upload()
    image = CallerImage.objects.get(pk=response.json()["id"])
    assert image.state == ImageState.READY and image.original_path == ""
    assert (image.display_width, image.thumb_width) == (160, 32)
    assert stored_files("originals") == []
    assert len(stored_files("display")) == 1 and len(stored_files("thumbnails")) == 1
    types = list(Event.objects.filter(stream=DISPATCH_STREAM, type__startswith="image.")
                 .values_list("type", flat=True))
    assert types == ["image.received", "image.ready"]
    ready = Event.objects.get(type="image.ready").data
    assert ready["display_url"] == f"/api/imaging/images/{image.pk}/display"
    assert ready["thumbnail_url"] == f"/api/imaging/images/{image.pk}/thumbnail"


def test_a_rejected_image_says_why_and_its_original_is_deleted(
        caller, fake_processing, django_capture_on_commit_callbacks):
    fake_processing.reject = "decode"
    with django_capture_on_commit_callbacks(execute=True):
        image_id = caller.upload().json()["id"]
    image = CallerImage.objects.get(pk=image_id)
    assert image.state == ImageState.REJECTED and image.reject_code == "decode"
    assert image.reject_reason and stored_files("originals") == []
    assert Event.objects.filter(type="image.rejected", data__id=image_id).exists()
    state = caller.client.get("/api/imaging/upload/").json()
    assert state["received"] == [{"upload_id": "upload-0001", "state": "rejected",
                                  "reason": image.reject_reason}]


def test_the_same_upload_id_twice_makes_one_image_counted_once(caller):
    first = caller.upload("retry-after-timeout")
    again = caller.upload("retry-after-timeout")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again["Idempotent-Replay"] == "true"
    assert CallerImage.objects.count() == 1 and len(stored_files("originals")) == 1
    assert ImageLink.objects.get().images_received == 1


def test_the_idempotency_key_header_works_as_the_upload_id(caller):
    one = caller.upload(upload_id="", HTTP_IDEMPOTENCY_KEY="header-key-1")
    two = caller.upload(upload_id="", HTTP_IDEMPOTENCY_KEY="header-key-1")
    assert one.status_code == 201 and two.json()["id"] == one.json()["id"]


def test_an_upload_without_an_upload_id_is_refused(caller):
    response = caller.upload(upload_id="")
    assert response.status_code == 400 and "upload_id" in response.json()["detail"]


def test_the_link_takes_at_most_its_count_then_a_calm_gone(caller):
    for n in range(5):
        assert caller.upload(f"upload-{n:04d}").status_code == 201
    response = caller.upload("upload-0005")
    assert response.status_code == 410 and "call 112" in response.json()["detail"]
    assert CallerImage.objects.count() == 5 and len(stored_files("originals")) == 5
    # A retry of one already received is still answered as received.
    assert caller.upload("upload-0004").status_code == 200
    assert caller.client.get("/api/imaging/upload/").json()["remaining"] == 0


def test_an_expired_session_is_gone(caller):
    UploadSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert caller.upload().status_code == 410
    assert caller.client.get("/api/imaging/upload/").status_code == 410
    assert not CallerImage.objects.exists()


def test_an_expired_link_takes_no_more_even_with_a_live_session(caller):
    ImageLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert caller.upload().status_code == 410
    assert stored_files("originals") == []


def test_without_the_cookie_nothing_can_be_uploaded(caller):
    response = APIClient().post("/api/imaging/upload/", {"upload_id": "upload-0001"})
    assert response.status_code == 410
    assert caller_client(secret="guessed-secret").get("/api/imaging/upload/").status_code == 410


def test_a_file_that_is_too_large_is_refused_from_its_content_length_before_reading(
        caller, settings):
    settings.IMAGING_MAX_UPLOAD_BYTES = 1000
    response = caller.client.post(
        "/api/imaging/upload/", b"x" * 10, content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH=str(10 * 1024 * 1024))
    assert response.status_code == 413 and "too large" in response.json()["detail"]
    assert stored_files("originals") == [] and not CallerImage.objects.exists()


def test_a_file_larger_than_the_limit_is_refused_by_its_size(caller, settings):
    settings.IMAGING_MAX_UPLOAD_BYTES = 2000
    response = caller.upload(data=jpeg_bytes() + b"\0" * 5000)
    assert response.status_code == 413
    assert stored_files("originals") == [] and ImageLink.objects.get().images_received == 0


@pytest.mark.parametrize(("data", "name"), [
    (b"MZ\x90\x00" + b"\0" * 200, "photo.jpg"),  # a renamed executable
    (b"%PDF-1.7\n" + b"\0" * 200, "photo.jpg"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "photo.svg"),
    (b"", "empty.jpg"),
])
def test_a_file_that_is_not_a_photo_is_refused_at_once(caller, data, name):
    response = caller.upload(data=data, name=name)
    assert response.status_code in (400, 415), response.content
    assert stored_files("originals") == [] and ImageLink.objects.get().images_received == 0


def test_the_caller_learns_only_the_states_of_their_own_uploads(caller, sent_link, demo):
    caller.upload("upload-0001")
    _other_link, other_token = sent_link()
    other = caller_client(other_token, address="198.51.100.8")
    other.post("/api/imaging/upload/", {"upload_id": "other-0001", "image": _jpeg()},
               format="multipart")
    state = caller.client.get("/api/imaging/upload/")
    assert state.status_code == 200 and state["Referrer-Policy"] == "no-referrer"
    body = state.json()
    assert body["remaining"] == 4 and body["received"] == [
        {"upload_id": "upload-0001", "state": "received"}]
    assert "display_url" not in str(body) and "case" not in body


def test_the_upload_goes_to_the_links_case_whatever_the_request_says(caller, new_case):
    other_case = new_case()
    response = caller.client.post(
        "/api/imaging/upload/",
        {"upload_id": "upload-0001", "case": other_case.pk, "image": _jpeg()},
        format="multipart")
    assert response.status_code == 201
    assert CallerImage.objects.get().case == caller.link.case != other_case


def test_the_caller_cookie_cannot_read_any_image(caller, fake_processing,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image_id = caller.upload().json()["id"]
    for path in (f"/api/imaging/images/{image_id}/", f"/api/imaging/images/{image_id}/display",
                 f"/api/imaging/images/{image_id}/thumbnail",
                 f"/api/imaging/cases/{caller.link.case_id}/images/"):
        assert caller.client.get(path).status_code in (401, 403), path


def test_the_upload_checks_the_csrf_token_of_the_callers_page(sent_link, fake_processing):
    _link, token = sent_link()
    client = caller_client(token)
    client.handler.enforce_csrf_checks = True
    refused = client.post("/api/imaging/upload/", {"upload_id": "upload-0001",
                                                   "image": _jpeg()}, format="multipart")
    assert refused.status_code == 403 and "Reload the page" in refused.json()["detail"]
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    accepted = client.post("/api/imaging/upload/", {"upload_id": "upload-0001",
                                                    "image": _jpeg()}, format="multipart",
                           HTTP_X_CSRFTOKEN="a" * 32)
    assert accepted.status_code == 201, accepted.json()


def test_uploads_are_rate_limited_per_session(caller, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {
        **SimpleRateThrottle.THROTTLE_RATES, "imaging_upload_session": "2/min"})
    # The page asking what became of its pictures spends nothing of the upload budget.
    assert [caller.client.get("/api/imaging/upload/").status_code
            for _ in range(5)] == [200] * 5
    codes = [caller.upload(upload_id=f"upload-000{i}").status_code for i in range(2)]
    refused = caller.upload(upload_id="upload-0009")
    assert codes == [201, 201] and refused.status_code == 429
    assert "Too many" in refused.json()["detail"] and CallerImage.objects.count() == 2
    assert caller.client.get("/api/imaging/upload/").status_code == 200
    # Another caller (another session, another address) is not held up.
    assert caller_client(secret="x" * 43, address="198.51.100.99").get(
        "/api/imaging/upload/").status_code == 410


def test_uploads_are_rate_limited_per_address(sent_link, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {
        **SimpleRateThrottle.THROTTLE_RATES, "imaging_upload_ip": "2/min",
        "imaging_state_ip": "3/min"})
    codes = [APIClient(REMOTE_ADDR="203.0.113.9").post("/api/imaging/upload/", {}).status_code
             for _ in range(3)]
    assert codes == [410, 410, 429]
    # Questions about uploads have their own, larger allowance per address.
    codes = [APIClient(REMOTE_ADDR="203.0.113.9").get("/api/imaging/upload/").status_code
             for _ in range(4)]
    assert codes == [410, 410, 410, 429]
    response = APIClient(REMOTE_ADDR="203.0.113.9").get("/api/imaging/upload/")
    assert response.status_code == 429 and "Too many" in response.json()["detail"]


def _jpeg():
    import io

    f = io.BytesIO(jpeg_bytes())
    f.name = "photo.jpg"
    return f


def test_a_photo_past_the_limit_within_the_framing_allowance_is_cut_off_while_read(
        caller, settings):
    settings.IMAGING_MAX_UPLOAD_BYTES = 4000
    response = caller.upload(data=jpeg_bytes() + b"\0" * 30_000)
    assert response.status_code == 413 and "too large" in response.json()["detail"]
    assert stored_files("originals") == [] and not CallerImage.objects.exists()
