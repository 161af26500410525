"""First-responder alerts across real processes: a case registered through one ASGI process
alerts volunteers whose phones hold sockets on another, and the next wave is sent by the stored
timer (Celery beat in production, the in-process loop embedded)."""

import asyncio
from datetime import datetime
from types import SimpleNamespace

import pytest

from tests.cluster.test_cross_process import (
    PRODUCTION,
    WORKERS,
    Api,
    Socket,
    session_headers,
    token_headers,
)
from tests.conftest import case_payload
from tests.live import LiveProduct

pytestmark = pytest.mark.cluster


def alert_created(e) -> bool:
    return e["type"] == "alert.created"


async def test_volunteers_are_alerted_across_processes_and_the_next_wave_comes_by_timer():
    product = LiveProduct(workers=WORKERS).start()
    try:
        assert product.celery == PRODUCTION
        socket_url, api_url = product.urls()[0], product.urls()[-1]
        # The dispatcher integrates with a token; the administrator and the volunteers' phones
        # sign in as their screens do (they hold no integration token).
        headers = {name: await asyncio.to_thread(session_headers, api_url, name)
                   for name in ("admin", "lars", "nils")}
        headers["anna"] = token_headers(await asyncio.to_thread(product.token, "anna"))
        admin = Api(api_url, headers["admin"])
        dispatcher = Api(api_url, headers["anna"])
        phones = {}
        try:
            municipalities = (await admin.call("GET", "/api/ivpa/municipalities/"))
            vasteras = next(m for m in municipalities["municipalities"]
                            if m["name"] == "Västerås")
            # lars is ~190 m from the case, nils ~710 m: the first wave (500 m) reaches lars
            # only, the second (750 m, 10 s later) nils.
            await admin.call("PATCH", f"/api/ivpa/municipalities/{vasteras['id']}/",
                             {"radius_m": 500, "wave_interval_s": 10})
            for name in ("lars", "nils"):
                own = Api(api_url, headers[name])
                me = await own.call("GET", "/api/me/")
                await own.aclose()
                phones[name] = await Socket.open(socket_url, headers[name])
                await phones[name].subscribe(f"responder.{me['id']}", after=None)
            regions = await dispatcher.call("GET", "/api/regions/")
            region = next(r for r in regions if r["code"] == "VML")
            case = await dispatcher.call("POST", "/api/cases/", case_payload(
                SimpleNamespace(pk=region["id"]), municipality="Västerås",
                case_type="cardiac_arrest"))

            [first] = await phones["lars"].events_until(alert_created)
            assert first["data"]["wave"] == 1 and first["data"]["case_type"] == "cardiac_arrest"
            [second] = await phones["nils"].events_until(alert_created, timeout=40)
            assert second["data"]["wave"] == 2
            waited = (datetime.fromisoformat(second["at"])
                      - datetime.fromisoformat(first["at"])).total_seconds()
            assert waited >= 10, waited

            # The fire/rescue unit, alerted in parallel, has no socket and no push
            # subscription: it is texted after the grace time, by the worker's sending thread.
            outbox = product.tmp / "sms-outbox.log"
            for _ in range(150):
                if outbox.exists() and "IVPA-larm" in outbox.read_text():
                    break
                await asyncio.sleep(0.2)
            assert "IVPA-larm: Hjärtstopp" in outbox.read_text(), product.logs()
            assert "PoolClosed" not in product.logs()

            [callout] = await dispatcher.call("GET", f"/api/ivpa/callouts/?case={case['id']}")
            assert callout["waves"] >= 2 and callout["radius_m"] >= 750
            await dispatcher.call("POST", f"/api/ivpa/callouts/{callout['id']}/cancel/")
            for phone in phones.values():
                ended = await phone.events_until(lambda e: e["type"] == "alert.ended")
                assert ended[-1]["data"]["status"] == "stood_down"
        finally:
            for phone in phones.values():
                await phone.close()
            await admin.aclose()
            await dispatcher.aclose()
    finally:
        product.stop()
