"""Units in or out of service (Unit.in_service, set by a dispatcher or an administrator) and
manned or not (a crew joined on a tablet): on /api/units/ and live on the console's stream."""

from crews.models import Unit
from crews.services import crew_leave
from realtime.models import Event


def units_by_sign(api, user) -> dict[str, dict]:
    response = api(user).get("/api/units/")
    assert response.status_code == 200
    return {u["call_sign"]: u for u in response.json()}


def test_the_unit_list_says_which_units_are_manned_and_in_service(demo, api):
    units = units_by_sign(api, demo.anna)
    assert units["AMB 1010"]["manned"] is True  # sara
    assert units["AMB 1110"]["manned"] is False
    assert all(u["in_service"] is True and u["service_note"] == "" for u in units.values())
    crew_leave(user=demo.sara)
    assert units_by_sign(api, demo.anna)["AMB 1010"]["manned"] is False
    # The console hears it: the unit, now unmanned, on the units stream.
    last = Event.objects.filter(stream="units", type="unit.updated").last()
    assert last.data["call_sign"] == "AMB 1010" and last.data["manned"] is False


def test_a_dispatcher_takes_a_unit_out_of_service_with_a_reason_and_back(demo, api):
    url = f"/api/units/{demo.amb1020.pk}/service/"
    refused = api(demo.anna).post(url, {"in_service": False}, format="json")
    assert refused.status_code == 400 and "why" in refused.json()["detail"].lower()
    assert Unit.objects.get(pk=demo.amb1020.pk).in_service is True

    out = api(demo.anna).post(url, {"in_service": False, "note": " Sanering "}, format="json")
    assert out.status_code == 200
    assert (out.json()["in_service"], out.json()["service_note"]) == (False, "Sanering")
    event = Event.objects.filter(stream="units", type="unit.updated").last()
    assert event.data["in_service"] is False and event.data["service_note"] == "Sanering"
    assert units_by_sign(api, demo.anna)["AMB 1020"]["in_service"] is False
    # Its status is untouched: out of service is not a status.
    assert out.json()["status"] == "available"

    back = api(demo.admin).post(url, {"in_service": True}, format="json")
    assert back.status_code == 200
    assert (back.json()["in_service"], back.json()["service_note"]) == (True, "")
    events = Event.objects.count()
    assert api(demo.anna).post(url, {"in_service": True}, format="json").status_code == 200
    assert Event.objects.count() == events  # the same again changes nothing


def test_crews_and_others_may_not_set_the_service(demo, api):
    url = f"/api/units/{demo.amb1010.pk}/service/"
    for user in (demo.sara, demo.lars, demo.karin, None):
        response = api(user).post(url, {"in_service": False, "note": "x"}, format="json")
        assert response.status_code == 403
    assert Unit.objects.get(pk=demo.amb1010.pk).in_service is True
