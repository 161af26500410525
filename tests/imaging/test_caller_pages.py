"""The caller's pages (frontend/caller.py) and the upload's "gone" answer tell the caller which
number to ring again: IMAGING_EMERGENCY_NUMBER (112 by default; a Norwegian centre sets 113)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def gone_page(token: str = "x" * 43, lang: str = "sv"):
    return Client().get(f"/b/{token}", HTTP_ACCEPT_LANGUAGE=lang)


def test_the_calm_page_says_112_by_default(settings):
    assert settings.IMAGING_EMERGENCY_NUMBER == "112"
    response = gone_page()
    assert response.status_code == 410
    assert response["Referrer-Policy"] == "no-referrer"
    html = response.content.decode()
    assert "Ring tillbaka till 112 om du behöver hjälp." in html
    assert 'href="tel:112"' in html


def test_the_calm_page_and_the_uploads_gone_answer_use_the_configured_number(
        settings, caller):
    settings.IMAGING_EMERGENCY_NUMBER = "113"
    for lang, sentence in (("sv", "Ring tillbaka till 113 om du behöver hjälp."),
                           ("en", "Call 113 again if you need help."),
                           ("nb", "113")):
        html = gone_page(lang=lang).content.decode()
        assert sentence in html and 'href="tel:113"' in html, lang
        assert "112" not in html, lang
    # /b/ without a session gets the same page.
    assert 'href="tel:113"' in Client().get("/b/").content.decode()
    for n in range(5):
        assert caller.upload(f"upload-{n:04d}").status_code == 201
    for lang, words in (("en", "call 113 again"), ("sv", "Ring 113 igen"),
                        ("nb", "Ring 113 igjen")):
        # The API speaks the language chosen with the language cookie (tests default: en).
        caller.client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        answer = caller.upload("upload-0005")
        assert answer.status_code == 410, lang
        assert words in answer.json()["detail"] and "112" not in answer.json()["detail"], lang
