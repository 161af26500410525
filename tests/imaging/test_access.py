"""Who sees caller images: dispatchers, and the crew of the unit an image was forwarded to;
every view (record or bytes) in the access log; the console and the crew told live."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from audit.models import AccessLogEntry
from crews.streams import unit_stream
from dispatch.services import assignment_dispatch, assignment_status_change
from imaging.models import CallerImage, ImageForward, ImageLink
from realtime.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def image(caller, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image_id = caller.upload().json()["id"]
    return CallerImage.objects.get(pk=image_id)


@pytest.fixture
def on_case(demo, image):
    """AMB 1010 (sara) dispatched to the image's case."""
    [assignment] = assignment_dispatch(case=image.case, units=[demo.amb1010], by=demo.anna)
    return assignment


def views_logged(image) -> list[tuple[str, str]]:
    return list(AccessLogEntry.objects.filter(object_type="caller_image",
                                              object_id=str(image.pk))
                .order_by("id").values_list("username", "reason"))


def test_a_dispatcher_lists_links_and_images_of_the_case(demo, api, image):
    links = api(demo.anna).get(f"/api/imaging/cases/{image.case_id}/links/")
    assert links.status_code == 200
    [link] = links.json()
    assert link["phone"] == "+46701234567" and link["images_received"] == 1
    assert link["sms_state"] == "sent" and link["opened_at"]
    images = api(demo.anna).get(f"/api/imaging/cases/{image.case_id}/images/")
    [listed] = images.json()
    assert listed["state"] == "ready" and listed["display_url"].endswith("/display")
    assert views_logged(image) == [("anna", "caller images listed")]


def test_the_display_copy_is_served_inline_privately_and_every_view_is_logged(
        demo, api, image):
    response = api(demo.anna).get(f"/api/imaging/images/{image.pk}/display",
                                  HTTP_ACCEPT="image/avif,image/webp,image/*")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'inline; filename="bild-{image.pk}.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    thumb = api(demo.anna).get(f"/api/imaging/images/{image.pk}/thumbnail")
    assert thumb.status_code == 200
    assert views_logged(image) == [("anna", "caller image viewed (display)"),
                                   ("anna", "caller image viewed (thumbnail)")]
    entry = AccessLogEntry.objects.filter(object_type="caller_image").first()
    assert entry.patient == image.case.personal_identity_number


def test_every_view_of_an_image_is_in_the_access_log(demo, api, image, on_case):
    anna, sara = api(demo.anna), api(demo.sara)
    assert anna.get(f"/api/imaging/cases/{image.case_id}/images/").status_code == 200
    assert anna.get(f"/api/imaging/images/{image.pk}/").status_code == 200
    assert anna.get(f"/api/imaging/images/{image.pk}/thumbnail").status_code == 200
    assert anna.get(f"/api/imaging/images/{image.pk}/display").status_code == 200
    assert anna.post(f"/api/imaging/images/{image.pk}/assess", {"note": "ytlig"},
                     format="json").status_code == 200
    assert anna.post(f"/api/imaging/images/{image.pk}/forward", {},
                     format="json").status_code == 200
    assert sara.get(f"/api/imaging/assignments/{on_case.pk}/images/").status_code == 200
    assert sara.get(f"/api/imaging/images/{image.pk}/").status_code == 200
    assert sara.get(f"/api/imaging/images/{image.pk}/display").status_code == 200
    assert views_logged(image) == [
        ("anna", "caller images listed"), ("anna", "caller image opened"),
        ("anna", "caller image viewed (thumbnail)"), ("anna", "caller image viewed (display)"),
        ("anna", "caller image assessed"), ("anna", "caller image forwarded to the crew"),
        ("sara", "caller images of the assignment listed"), ("sara", "caller image opened"),
        ("sara", "caller image viewed (display)"),
    ]
    actions = AccessLogEntry.objects.filter(object_type="caller_image").values_list(
        "action", flat=True)
    assert list(actions).count("update") == 2  # the assessment and the forwarding


def test_anonymous_cannot_list_or_fetch_anything(image):
    anonymous = APIClient()
    for path in (f"/api/imaging/cases/{image.case_id}/links/",
                 f"/api/imaging/cases/{image.case_id}/images/",
                 f"/api/imaging/images/{image.pk}/", f"/api/imaging/images/{image.pk}/display",
                 f"/api/imaging/images/{image.pk}/thumbnail"):
        assert anonymous.get(path).status_code in (401, 403), path
    assert views_logged(image) == []


def test_a_crew_sees_an_image_only_once_it_is_forwarded_to_their_assignment(
        demo, api, image, on_case):
    sara = api(demo.sara)
    assert sara.get(f"/api/imaging/images/{image.pk}/display").status_code == 404
    forwarded = api(demo.anna).post(f"/api/imaging/images/{image.pk}/forward", {},
                                    format="json")
    assert forwarded.status_code == 200, forwarded.json()
    assert forwarded.json()["forwarded_to"] == on_case.pk
    assert sara.get(f"/api/imaging/images/{image.pk}/display").status_code == 200
    listed = sara.get(f"/api/imaging/assignments/{on_case.pk}/images/")
    assert [i["id"] for i in listed.json()] == [image.pk]
    assert ("sara", "caller image viewed (display)") in views_logged(image)


def test_a_crew_of_another_case_cannot_fetch_the_image(demo, api, image, on_case, new_case):
    api(demo.anna).post(f"/api/imaging/images/{image.pk}/forward", {}, format="json")
    other_case = new_case()
    [other] = assignment_dispatch(case=other_case, units=[demo.amb3010], by=demo.anna)
    johan = api(demo.johan)
    for path in (f"/api/imaging/images/{image.pk}/", f"/api/imaging/images/{image.pk}/display",
                 f"/api/imaging/images/{image.pk}/thumbnail",
                 f"/api/imaging/assignments/{on_case.pk}/images/"):
        assert johan.get(path).status_code == 404, path
    assert johan.get(f"/api/imaging/assignments/{other.pk}/images/").json() == []
    assert api(demo.maria).get(f"/api/imaging/images/{image.pk}/").status_code == 404
    assert api(demo.lars).get(f"/api/imaging/images/{image.pk}/").status_code == 403
    assert not [u for u, _r in views_logged(image) if u in ("johan", "maria", "lars")]


def test_the_same_units_crew_on_its_next_case_cannot_fetch_the_earlier_image(
        demo, api, image, on_case, new_case):
    api(demo.anna).post(f"/api/imaging/images/{image.pk}/forward", {}, format="json")
    sara = api(demo.sara)
    assert sara.get(f"/api/imaging/images/{image.pk}/display").status_code == 200
    for status in ("acknowledged", "en_route", "on_scene", "available"):
        assignment_status_change(assignment=on_case, status=status, by=demo.sara)
    [next_one] = assignment_dispatch(case=new_case(), units=[demo.amb1010], by=demo.anna)
    logged = len(views_logged(image))
    for path in (f"/api/imaging/images/{image.pk}/", f"/api/imaging/images/{image.pk}/display",
                 f"/api/imaging/images/{image.pk}/thumbnail"):
        assert sara.get(path).status_code == 404, path
    assert sara.get(f"/api/imaging/assignments/{on_case.pk}/images/").json() == []
    assert sara.get(f"/api/imaging/assignments/{next_one.pk}/images/").json() == []
    assert len(views_logged(image)) == logged  # nothing was shown, nothing logged
    # The dispatcher still sees it, and the earlier assignment's images.
    assert api(demo.anna).get(f"/api/imaging/images/{image.pk}/display").status_code == 200
    assert [i["id"] for i in api(demo.anna).get(
        f"/api/imaging/assignments/{on_case.pk}/images/").json()] == [image.pk]


def test_forwarding_tells_the_units_tablets_and_the_console(demo, api, image, on_case):
    api(demo.anna).post(f"/api/imaging/images/{image.pk}/forward", {}, format="json")
    event = Event.objects.get(stream=unit_stream(demo.amb1010.pk), type="image.forwarded")
    assert event.data["id"] == image.pk and event.data["assignment"] == on_case.pk
    assert event.data["display_url"] == f"/api/imaging/images/{image.pk}/display"
    assert image.case.personal_identity_number not in str(event.data)
    assert Event.objects.filter(stream="dispatch", type="image.updated",
                                data__id=image.pk).exists()
    # Forwarding again sends nothing new to a unit that has it.
    api(demo.anna).post(f"/api/imaging/images/{image.pk}/forward", {}, format="json")
    assert Event.objects.filter(type="image.forwarded").count() == 1
    assert ImageForward.objects.count() == 1


def test_forwarding_without_a_unit_on_the_case_is_a_conflict_that_says_so(demo, api, image):
    response = api(demo.anna).post(f"/api/imaging/images/{image.pk}/forward", {},
                                   format="json")
    assert response.status_code == 409 and "dispatch a unit" in response.json()["detail"]


def test_forwarding_after_the_unit_finished_is_a_conflict(demo, api, image, on_case):
    for status in ("acknowledged", "en_route", "on_scene", "available"):
        assignment_status_change(assignment=on_case, status=status, by=demo.sara)
    response = api(demo.anna).post(f"/api/imaging/images/{image.pk}/forward", {},
                                   format="json")
    assert response.status_code == 409


def test_a_dispatcher_assesses_with_a_note_and_a_rotation(demo, api, image):
    response = api(demo.anna).post(f"/api/imaging/images/{image.pk}/assess",
                                   {"note": "Brännskada 2x3 cm, ytlig", "rotation": 90},
                                   format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["note"], body["rotation"], body["assessed_by"]) == (
        "Brännskada 2x3 cm, ytlig", 90, demo.anna.pk)
    assert body["assessed_at"]
    event = Event.objects.filter(type="image.updated", data__id=image.pk).last()
    assert event.data["rotation"] == 90 and event.data["note"] == "Brännskada 2x3 cm, ytlig"
    refused = api(demo.anna).post(f"/api/imaging/images/{image.pk}/assess",
                                  {"rotation": 45}, format="json")
    assert refused.status_code == 400 and "0, 90, 180 or 270" in refused.json()["detail"]


def test_a_crew_cannot_assess_or_forward(demo, api, image, on_case):
    api(demo.anna).post(f"/api/imaging/images/{image.pk}/forward", {}, format="json")
    assert api(demo.sara).post(f"/api/imaging/images/{image.pk}/assess", {"note": "x"},
                               format="json").status_code == 403
    assert api(demo.sara).post(f"/api/imaging/images/{image.pk}/forward", {},
                               format="json").status_code == 403


def test_link_creation_over_the_api(demo, api, case):
    response = api(demo.anna).post(f"/api/imaging/cases/{case.pk}/links/",
                                   {"phone": "070-123 45 67"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"id", "case", "phone", "created_at", "expires_at", "max_images",
                         "images_received", "opened_at", "revoked_at", "sms_state"}
    assert body["phone"] == "+46701234567" and body["case"] == case.pk


def test_a_bad_number_is_a_400_that_says_what_to_type(demo, api, case):
    response = api(demo.anna).post(f"/api/imaging/cases/{case.pk}/links/",
                                   {"phone": "12-34"}, format="json")
    assert response.status_code == 400 and "mobile number" in response.json()["detail"]


def test_a_replayed_link_request_sends_one_sms(demo, api, case):
    client = api(demo.anna)
    first = client.post(f"/api/imaging/cases/{case.pk}/links/", {"phone": "0701234567"},
                        format="json", HTTP_IDEMPOTENCY_KEY="send-link-0001")
    again = client.post(f"/api/imaging/cases/{case.pk}/links/", {"phone": "0701234567"},
                        format="json", HTTP_IDEMPOTENCY_KEY="send-link-0001")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replay"] == "true" and again.json()["id"] == first.json()["id"]
    assert ImageLink.objects.count() == 1


def test_link_creation_is_rate_limited_per_dispatcher(demo, api, case, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {
        **SimpleRateThrottle.THROTTLE_RATES, "imaging_link": "2/hour"})
    codes = [api(demo.anna).post(f"/api/imaging/cases/{case.pk}/links/",
                                 {"phone": "0701234567"}, format="json").status_code
             for _ in range(3)]
    assert codes == [201, 201, 429]
    # Another dispatcher is not held up.
    assert api(demo.users["erik"]).post(
        f"/api/imaging/cases/{case.pk}/links/", {"phone": "0701234567"},
        format="json").status_code == 201
    # Reading is not throttled.
    assert api(demo.anna).get(f"/api/imaging/cases/{case.pk}/links/").status_code == 200


def test_a_dispatcher_revokes_a_link_and_its_session_ends(demo, api, caller):
    response = api(demo.anna).post(f"/api/imaging/links/{caller.link.pk}/revoke/")
    assert response.status_code == 200 and response.json()["revoked_at"]
    assert caller.upload().status_code == 410


def test_the_admin_lists_links_and_images_read_only_without_tokens(demo, image, client):
    client.force_login(demo.admin)
    for path in ("/admin/imaging/imagelink/", f"/admin/imaging/imagelink/{image.link_id}/change/",
                 "/admin/imaging/callerimage/", f"/admin/imaging/callerimage/{image.pk}/change/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert image.link.token_hash.encode() not in response.content
    assert client.get("/admin/imaging/callerimage/add/").status_code == 403
