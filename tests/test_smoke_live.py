from tests.live import LiveProduct


def test_live_product_serves_the_login_page():
    import httpx

    live = LiveProduct().start()
    try:
        assert httpx.get(live.url + "/login/").status_code == 200
        assert live.token("anna")
    finally:
        live.stop()
