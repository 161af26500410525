"""Token sign-in for integrations: `Authorization: Token <key>`."""

from rest_framework.authtoken.models import Token

from .conftest import PASSWORD


def get_token(client, username, password=PASSWORD):
    return client.post("/api/auth/token/", {"username": username, "password": password},
                       format="json")


def test_a_token_works_for_the_api(demo, anon):
    response = get_token(anon(), "anna")
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "dispatcher" and body["token"] == Token.objects.get(
        user=demo.anna).key
    client = anon()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    me = client.get("/api/me/")
    assert me.status_code == 200 and me.json()["username"] == "anna"
    assert client.get("/api/cases/").status_code == 200


def test_the_token_is_stable_across_requests(demo, anon):
    first = get_token(anon(), "sara").json()["token"]
    assert get_token(anon(), "sara").json()["token"] == first


def test_a_token_carries_the_users_role(demo, anon):
    client = anon()
    client.credentials(HTTP_AUTHORIZATION=f"Token {get_token(anon(), 'lars').json()['token']}")
    assert client.get("/api/me/").status_code == 200
    assert client.get("/api/cases/").status_code == 403


def test_a_wrong_or_missing_token_is_refused(demo, anon):
    client = anon()
    client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    response = client.get("/api/me/")
    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "Invalid token."
    assert anon().get("/api/me/").status_code in (401, 403)


def test_the_token_of_a_deactivated_user_stops_working(demo, anon):
    key = get_token(anon(), "johan").json()["token"]
    demo.johan.is_active = False
    demo.johan.save(update_fields=["is_active"])
    client = anon()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/me/").status_code in (401, 403)


def test_a_token_needs_the_right_password(demo, anon):
    response = get_token(anon(), "anna", "fel")
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not Token.objects.exists()
