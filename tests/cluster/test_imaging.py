"""A caller image across real processes: the dispatcher texts a link (console SMS backend), a
phone with no account opens it and uploads a photo with GPS in its EXIF, and the image is
processed where the shape processes it: by the Celery worker (the task `imaging.process`) in
the production shape, by a thread of the ASGI process in the embedded one. The dispatcher then
gets a display copy without EXIF. Runs in both shapes, as the rest of tests/cluster."""

import io
import re
import time

import httpx
from PIL import Image

from tests.cluster.test_cross_process import PRODUCTION, WORKERS
from tests.live import LiveProduct


def photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (59.0, 36.0, 39.6), 3: "E", 4: (16.0, 32.0, 45.6)}
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 30, 30)).save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def texted_token(product: LiveProduct) -> str:
    outbox = product.tmp / "sms-outbox.log"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if outbox.exists():
            found = re.search(r"/b/([A-Za-z0-9_-]{20,})", outbox.read_text(encoding="utf-8"))
            if found:
                return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no image link in the SMS outbox:\n{product.logs()}")


def test_a_callers_photo_is_processed_where_the_shape_processes_it():
    # Browsers send a Secure cookie to http://127.0.0.1 (a trustworthy origin); httpx does not.
    product = LiveProduct(workers=WORKERS,
                          extra_env={"IMAGING_UPLOAD_COOKIE_SECURE": "false",
                                     "SECURE_COOKIES": "false"}).start()
    try:
        assert product.celery == PRODUCTION
        staff = httpx.Client(base_url=product.urls()[-1], timeout=10, headers={
            "Authorization": f"Token {product.token('anna')}"})
        region = staff.get("/api/regions/").json()[0]["id"]
        case = staff.post("/api/cases/", json={
            "region": region, "caller_number": "070-123 45 67", "address": "Vasagatan 5",
            "municipality": "Västerås", "latitude": 59.611, "longitude": 16.546,
            "complaint": "Brännskada på armen", "mbs_priority": "2A", "priority": "2A",
            "patient_name": "Tolvan Tolvansson", "personal_identity_number": "19121212-1212",
        })
        assert case.status_code == 201, case.text
        case_id = case.json()["id"]
        link = staff.post(f"/api/imaging/cases/{case_id}/links/", json={"phone": "0701234567"})
        assert link.status_code == 201, link.text
        token = texted_token(product)

        phone = httpx.Client(base_url=product.url, timeout=10)
        landing = phone.get(f"/b/{token}")
        assert landing.status_code == 200
        form_token = re.search(r'name="form_token" value="([^"]+)"', landing.text).group(1)
        opened = phone.post(f"/b/{token}", data={"form_token": form_token})
        assert opened.status_code == 303 and opened.headers["location"] == "/b/"
        assert phone.get("/b/").status_code == 200  # the upload page sets the CSRF cookie
        answer = phone.post("/api/imaging/upload/", files={
            "image": ("photo.jpg", photo_with_gps(), "image/jpeg")},
            data={"upload_id": "cluster-upload-0001"},
            headers={"X-CSRFToken": phone.cookies["csrftoken"]})
        assert answer.status_code == 201, answer.text
        assert answer.json()["state"] == "received"
        image_id = answer.json()["id"]

        # Well before the watchdog (IMAGING_WORKER_TIMEOUT_SECONDS + 30 s): the task queued
        # after commit did it, on the Celery worker in the production shape (the ASGI
        # processes do not process there: IMAGING_PROCESS_IN_PROCESS is off).
        deadline = time.monotonic() + 40
        state = "received"
        while state == "received" and time.monotonic() < deadline:
            time.sleep(0.3)
            state = staff.get(f"/api/imaging/images/{image_id}/").json()["state"]
        assert state == "ready", product.logs()
        display = staff.get(f"/api/imaging/images/{image_id}/display")
        assert display.status_code == 200 and display.headers["content-type"] == "image/jpeg"
        stored = Image.open(io.BytesIO(display.content))
        assert stored.size == (600, 800)  # turned upright
        assert not stored.getexif() and "icc_profile" not in stored.info
        # The phone learns its upload's state, never the image.
        assert phone.get("/api/imaging/upload/").json()["received"] == [
            {"upload_id": "cluster-upload-0001", "state": "ready"}]
        assert phone.get(f"/api/imaging/images/{image_id}/display").status_code == 403
    finally:
        product.stop()
