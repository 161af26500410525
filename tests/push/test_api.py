"""The push API the PWA relies on: the VAPID key, storing and deleting a device's
subscription, and clear refusals."""

import base64
import time
import uuid

import pytest

from push.models import PushSubscription

from .conftest import VAPID

pytestmark = pytest.mark.django_db

URL = "/api/push/subscriptions/"


def post(client, body):
    return client.post(URL, body, format="json")


# --- the VAPID public key ----------------------------------------------------------------------


def test_the_public_key_is_the_configured_one_as_an_uncompressed_point(demo, api):
    response = api(demo.sara).get("/api/push/vapid-public-key/")
    assert response.status_code == 200
    key = response.json()["key"]
    assert key == VAPID["public_key"]
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(raw) == 65 and raw[0] == 4
    assert "=" not in key and "+" not in key and "/" not in key


def test_the_public_key_needs_a_signed_in_user(demo, api):
    assert api(None).get("/api/push/vapid-public-key/").status_code == 403


def test_without_keys_the_server_says_push_is_off(demo, api, settings):
    settings.VAPID_PRIVATE_KEY = settings.VAPID_PUBLIC_KEY = ""
    response = api(demo.sara).get("/api/push/vapid-public-key/")
    assert response.status_code == 503
    assert "not configured" in response.json()["detail"]


def test_the_embedded_shape_writes_keys_on_first_use_and_keeps_them(demo, api, settings):
    settings.VAPID_PRIVATE_KEY = settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_AUTO_GENERATE = True
    first = api(demo.sara).get("/api/push/vapid-public-key/").json()["key"]
    assert settings.VAPID_FILE.is_file()
    assert oct(settings.VAPID_FILE.stat().st_mode & 0o777) == "0o600"
    assert api(demo.anna).get("/api/push/vapid-public-key/").json()["key"] == first
    assert first != VAPID["public_key"]


# --- storing a subscription ------------------------------------------------------------------


def test_a_device_stores_its_subscription(demo, api, browser, push_service):
    response = post(api(demo.sara), browser.subscription(push_service.endpoint("a")))
    assert response.status_code == 201
    assert response.json()["device_id"] == browser.device_id
    assert response.json()["push_service"] == push_service.origin
    stored = PushSubscription.objects.get(user=demo.sara)
    assert str(stored.device_id) == browser.device_id
    assert stored.endpoint == push_service.endpoint("a")
    assert stored.p256dh == browser.p256dh and stored.expires_at is None


def test_posting_again_from_the_device_replaces_its_subscription(demo, api, browser,
                                                                 push_service):
    client = api(demo.sara)
    assert post(client, browser.subscription(push_service.endpoint("old"))).status_code == 201
    later = (time.time() + 3600) * 1000
    body = browser.subscription(push_service.endpoint("new"), expiration_ms=later)
    assert post(client, body).status_code == 201
    [stored] = PushSubscription.objects.filter(user=demo.sara)
    assert stored.endpoint == push_service.endpoint("new")
    assert abs(stored.expires_at.timestamp() - later / 1000) < 1


def test_each_device_of_a_user_has_its_own_subscription(demo, api, push_service):
    from .loopback import FakeBrowser

    client = api(demo.sara)
    for name in ("tablet", "phone"):
        assert post(client, FakeBrowser().subscription(push_service.endpoint(name))
                    ).status_code == 201
    assert PushSubscription.objects.filter(user=demo.sara).count() == 2


def test_an_endpoint_registered_by_the_next_user_moves_to_them(demo, api, browser,
                                                               push_service):
    """A shared tablet: the next shift signs in on the same browser profile."""
    endpoint = push_service.endpoint("shared")
    assert post(api(demo.sara), browser.subscription(endpoint)).status_code == 201
    assert post(api(demo.maria), browser.subscription(endpoint)).status_code == 201
    assert list(PushSubscription.objects.values_list("user__username", flat=True)) == ["maria"]


def test_an_anonymous_client_cannot_subscribe(demo, api, browser, push_service):
    assert post(api(None), browser.subscription(push_service.endpoint())).status_code == 403


def _broken(browser, push_service, change):
    body = browser.subscription(push_service.endpoint())
    change(body)
    return body


def _set(path, value):
    def change(body):
        target = body
        for part in path[:-1]:
            target = target[part]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return change


BAD = {
    "no endpoint": (_set(["endpoint"], KeyError), "endpoint"),
    "endpoint not a URL": (_set(["endpoint"], "push-service"), "endpoint"),
    "endpoint http elsewhere": (_set(["endpoint"], "http://push.example.com/x"), "https"),
    "endpoint unknown host": (_set(["endpoint"], "https://evil.example/x"),
                              "not a known push service"),
    "endpoint with credentials": (_set(["endpoint"], "https://u:p@fcm.googleapis.com/x"),
                                  "endpoint"),
    "endpoint bad port": (_set(["endpoint"], "https://fcm.googleapis.com:99999/x"),
                          "endpoint"),
    "no keys": (_set(["keys"], KeyError), "keys"),
    "keys not an object": (_set(["keys"], "abc"), "keys"),
    "p256dh missing": (_set(["keys", "p256dh"], KeyError), "p256dh"),
    "p256dh not base64url": (_set(["keys", "p256dh"], "not base64!"), "p256dh"),
    "p256dh too short": (_set(["keys", "p256dh"], base64.urlsafe_b64encode(b"\x04" * 33)
                              .decode()), "p256dh"),
    "p256dh not on the curve": (_set(["keys", "p256dh"], base64.urlsafe_b64encode(
        b"\x04" + b"\x01" * 64).decode().rstrip("=")), "p256dh"),
    "auth missing": (_set(["keys", "auth"], KeyError), "auth"),
    "auth wrong length": (_set(["keys", "auth"], "AAAA"), "auth"),
    "no device id": (_set(["device_id"], KeyError), "device_id"),
    "device id not a uuid": (_set(["device_id"], "tablet-7"), "device_id"),
    "expired": (_set(["expirationTime"], (time.time() - 60) * 1000), "expired"),
    "expiration not a number": (_set(["expirationTime"], "tomorrow"), "expirationTime"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_subscriptions_are_refused_with_the_reason(demo, api, browser, push_service, case):
    change, needle = BAD[case]
    response = post(api(demo.sara), _broken(browser, push_service, change))
    assert response.status_code == 400, response.json()
    detail = response.json()["detail"]
    assert isinstance(detail, str) and needle.lower() in detail.lower(), detail
    assert not PushSubscription.objects.exists()


def test_plain_http_to_loopback_is_refused_unless_the_settings_allow_it(demo, api, browser,
                                                                        push_service,
                                                                        settings):
    settings.PUSH_ALLOW_INSECURE_ENDPOINTS = False
    response = post(api(demo.sara), browser.subscription(push_service.endpoint()))
    assert response.status_code == 400
    assert "https" in response.json()["detail"]


def test_a_known_push_service_is_accepted(demo, api, browser):
    for endpoint in ("https://fcm.googleapis.com/fcm/send/abc",
                     "https://updates.push.services.mozilla.com/wpush/v2/abc",
                     "https://web.push.apple.com/QGq", "https://wns2-db5p.notify.windows.com/w/"):
        body = browser.subscription(endpoint)
        body["device_id"] = str(uuid.uuid4())
        assert post(api(demo.sara), body).status_code == 201, endpoint


def test_a_body_that_is_not_json_is_refused(demo, api):
    response = api(demo.sara).post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


# --- deleting ------------------------------------------------------------------------------


def test_a_user_deletes_their_device_subscription(demo, api, browser, push_service):
    client = api(demo.sara)
    post(client, browser.subscription(push_service.endpoint()))
    response = client.delete(f"{URL}{browser.device_id}/")
    assert response.status_code == 204
    assert not PushSubscription.objects.exists()
    assert client.delete(f"{URL}{browser.device_id}/").status_code == 404


def test_a_user_cannot_delete_another_users_subscription(demo, api, browser, push_service):
    post(api(demo.sara), browser.subscription(push_service.endpoint()))
    response = api(demo.johan).delete(f"{URL}{browser.device_id}/")
    assert response.status_code == 404
    assert response.json()["detail"]
    assert PushSubscription.objects.filter(user=demo.sara).count() == 1
    assert api(None).delete(f"{URL}{browser.device_id}/").status_code == 403
    assert PushSubscription.objects.filter(user=demo.sara).count() == 1


def test_the_same_device_id_of_two_users_is_two_subscriptions(demo, api, push_service):
    """device_id is the client's own: the delete of one user never touches the other's."""
    from .loopback import FakeBrowser

    a, b = FakeBrowser(), FakeBrowser()
    b.device_id = a.device_id
    post(api(demo.sara), a.subscription(push_service.endpoint()))
    post(api(demo.maria), b.subscription(push_service.endpoint()))
    assert api(demo.maria).delete(f"{URL}{a.device_id}/").status_code == 204
    assert list(PushSubscription.objects.values_list("user__username", flat=True)) == ["sara"]


def test_a_device_id_that_is_not_a_uuid_is_not_a_route(demo, api):
    assert api(demo.sara).delete(f"{URL}tablet-7/").status_code == 404
