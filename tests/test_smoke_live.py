import pytest

from tests.live import LiveProduct, SchemaTemplate

COUNT_USERS = ("from django.contrib.auth import get_user_model; "
               "print(get_user_model().objects.filter(username='solo').count())")


def test_live_product_serves_the_login_page():
    import httpx

    live = LiveProduct().start()
    try:
        assert httpx.get(live.url + "/login/").status_code == 200
        assert live.token("anna")
    finally:
        live.stop()


def test_live_products_copied_from_one_schema_template_have_databases_of_their_own():
    first = LiveProduct()
    second = LiveProduct()
    try:
        first.start()
        template = SchemaTemplate.made()
        second.start()
        assert SchemaTemplate.made() is template
        first.manage("shell", "-c", "from django.contrib.auth import get_user_model; "
                     "get_user_model().objects.create_user('solo', password='x-solo-2026')")
        assert first.manage("shell", "-c", COUNT_USERS).splitlines()[-1] == "1"
        assert second.manage("shell", "-c", COUNT_USERS).splitlines()[-1] == "0"
        assert first.token("anna") and second.token("anna")
    finally:
        first.stop()
        second.stop()


def test_a_schema_template_that_failed_is_not_made_again_for_every_product(monkeypatch):
    attempts = []

    def migrate_fails(self):
        attempts.append(self)
        raise RuntimeError("migrating the live products' schema template failed")

    monkeypatch.setattr(SchemaTemplate, "_made", None)
    monkeypatch.setattr(SchemaTemplate, "_failure", None)
    monkeypatch.setattr(SchemaTemplate, "__init__", migrate_fails)
    for _ in range(3):
        with pytest.raises(RuntimeError, match="schema template failed"):
            SchemaTemplate.made()
    assert len(attempts) == 1
