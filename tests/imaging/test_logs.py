"""A caller's link token that still opens the link never reaches a log: not the SMS's (push:
tests/push/test_sms_secrets.py), not the server's access log, not Django's request warnings."""

import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_refused_open_of_a_live_link_is_logged_with_the_token_masked(sent_link, caplog):
    _link, token = sent_link()
    caplog.set_level(logging.INFO)
    # A link-preview fetcher POSTing without the page's form cookie: refused, link still live.
    response = Client().post(f"/b/{token}")
    assert response.status_code == 403
    warnings = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert warnings == ["Forbidden: /b/•••"]
    assert token not in caplog.text


def test_the_asgi_servers_access_log_masks_the_token(caplog):
    token = "Q3vZ8kLr2_pXw-9JmT4bYc1NfHs6GdAeUo0iRlVq5Ky"
    caplog.set_level(logging.INFO)
    # As uvicorn's access logger writes a request line.
    logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "203.0.113.5:51234",
                                             "GET", f"/b/{token}?lang=en", "1.1", 200)
    [record] = [r for r in caplog.records if r.name == "uvicorn.access"]
    assert record.getMessage() == '203.0.113.5:51234 - "GET /b/•••?lang=en HTTP/1.1" 200'
    assert token not in caplog.text


def test_the_link_secrets_pattern_fits_the_link_imaging_texts(settings):
    """push.sealing holds the pattern of a texted link's secret (push sits below imaging); it
    must find the token of the link imaging builds, and mask it alone."""
    import secrets

    from imaging.services.links import link_sms_text, link_url
    from push.sealing import SECRET_MASK, link_secrets_masked

    settings.IMAGING_PUBLIC_URL = "https://bild.larm.example"
    token = secrets.token_urlsafe(32)
    text = link_sms_text(link_url(token))
    masked = link_secrets_masked(text)
    assert token not in masked
    assert masked == text.replace(token, SECRET_MASK)
