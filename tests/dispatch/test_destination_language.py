"""The destination's refusals reach a crew's tablet in its language (Swedish by default,
Norwegian when chosen), never only in English."""

import pytest
from django.test import override_settings

from tests.places.helpers import hospitals_add

from .helpers import assert_detail


@override_settings(LANGUAGE_CODE="sv")
@pytest.mark.parametrize(("language", "hospital", "words"), [
    (None, 999999, "Okänt sjukhus 999999"), ("nb", 999999, "Ukjent sykehus 999999"),
    (None, "Akademiska", "Ange sjukhusets id"), ("nb", "Akademiska", "Oppgi sykehusets id"),
])
def test_an_unknown_hospital_is_refused_in_the_crews_language(demo, api, dispatched, language,
                                                              hospital, words):
    hospitals_add()
    assignment = dispatched("on_scene")
    client = api(demo.sara)
    if language:
        client.cookies["django_language"] = language
    response = client.post(f"/api/assignments/{assignment.pk}/destination/",
                           {"hospital": hospital}, format="json")
    assert response.status_code == 400
    assert_detail(response, words)
