"""The address, municipality and hospital routes refuse bad input in the user's language
(Swedish by default, Norwegian when chosen), like the rest of the API."""

import pytest
from django.test import override_settings

from .helpers import municipalities_add

pytestmark = pytest.mark.django_db


def _client(api, user, language):
    client = api(user)
    if language:
        client.cookies["django_language"] = language
    return client


@override_settings(LANGUAGE_CODE="sv")
@pytest.mark.parametrize(("language", "path", "query", "words"), [
    (None, "/api/addresses/", {"q": "stora torget", "near": "norr"}, "Ange near som"),
    ("nb", "/api/addresses/", {"q": "stora torget", "near": "norr"}, "Oppgi near som"),
    (None, "/api/addresses/", {"q": "stora torget", "region": "XX"}, "Okänd regionkod XX"),
    ("nb", "/api/addresses/", {"q": "stora torget", "region": "XX"}, "Ukjent regionkode XX"),
    (None, "/api/hospitals/", {"latitude": 59.6}, "Ange både latitud och longitud"),
    ("nb", "/api/hospitals/", {"latitude": 59.6}, "Oppgi både breddegrad og lengdegrad"),
    (None, "/api/addresses/", {"q": "s" * 101}, "Skriv högst"),
    (None, "/api/addresses/nearest/", {"latitude": 66, "longitude": 20}, "Ingen känd adress"),
    (None, "/api/addresses/nearest/", {"latitude": "norr", "longitude": 16}, "Ett giltigt nummer"),
    ("nb", "/api/hospitals/", {"latitude": 95, "longitude": 16}, "mindre enn eller lik 90"),
])
def test_a_refusal_is_in_the_users_language(api, demo, language, path, query, words):
    municipalities_add()
    response = _client(api, demo.anna, language).get(path, query)
    assert response.status_code in (400, 404), response.json()
    assert words.lower() in str(response.json()).lower(), response.json()


@override_settings(LANGUAGE_CODE="sv")
def test_a_near_longer_than_60_characters_is_refused(api, demo):
    response = api(demo.anna).get("/api/addresses/", {"q": "stora torget",
                                                      "near": "59.6," + "1" * 60})
    assert response.status_code == 400
    response = api(demo.anna).get("/api/addresses/", {"q": "stora torget",
                                                      "near": "59.61,16.55"})
    assert response.status_code == 200
