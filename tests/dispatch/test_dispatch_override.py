"""A unit that is not dispatchable (not manned, out of service, lacking a capability the case
needs, not for emergencies) is refused with a 400 that says what to do, unless the dispatcher
gives the reason for sending it anyway; the reason is stored on the assignment and shown on
the case."""

import dispatch.services.dispatching as dispatch_services
from crews.models import Unit
from crews.services import crew_join, unit_service_set
from dispatch.models import Assignment
from tests.dispatch.helpers import assert_detail, db_state


def dispatch(api, user, case, units, **extra):
    return api(user).post(f"/api/cases/{case.pk}/dispatch/",
                          {"units": [u.pk for u in units], **extra}, format="json")


def test_an_unmanned_unit_is_refused_without_a_reason(demo, new_case, api):
    case = new_case()
    amb1110 = demo.units["AMB 1110"]
    before = db_state()
    response = dispatch(api, demo.anna, case, [demo.amb1010, amb1110])
    assert response.status_code == 400
    assert_detail(response, "AMB 1110", "not manned", "override_reason")
    [refused] = response.json()["units"]
    assert refused["call_sign"] == "AMB 1110"
    assert [r["code"] for r in refused["why_not"]] == ["not_manned"]
    assert db_state() == before  # all or none: AMB 1010 was not sent either


def test_the_override_reason_is_stored_on_the_unit_that_needed_it(demo, new_case, api):
    case = new_case()
    amb1110 = demo.units["AMB 1110"]
    response = dispatch(api, demo.anna, case, [demo.amb1010, amb1110],
                        override_reason="  Besättningen larmad per telefon  ")
    assert response.status_code == 201, response.content
    stored = dict(Assignment.objects.filter(case=case).values_list("unit__call_sign",
                                                                   "override_reason"))
    assert stored == {"AMB 1010": "", "AMB 1110": "Besättningen larmad per telefon"}
    # The case shows it with its assignments (the console's case card and history).
    shown = api(demo.anna).get(f"/api/cases/{case.pk}/").json()["assignments"]
    assert {a["unit_call_sign"]: a["override_reason"] for a in shown} == stored


def test_out_of_service_and_a_missing_capability_are_refused_and_overridable(
        demo, new_case, api):
    unit_service_set(unit=demo.amb1020, in_service=False, note="Sanering")
    case = new_case(required_capabilities=["bariatric"])
    response = dispatch(api, demo.anna, case, [demo.amb1020])
    assert response.status_code == 400
    detail = assert_detail(response, "AMB 1020", "out of service", "Bariatric")
    assert "Sanering" in detail
    assert {r["code"] for r in response.json()["units"][0]["why_not"]} == {
        "out_of_service", "lacks_capability"}
    assert not Assignment.objects.filter(case=case).exists()

    sent = dispatch(api, demo.anna, case, [demo.amb1020],
                    override_reason="Närmaste enhet, patienten väger under 150 kg")
    assert sent.status_code == 201
    assert Assignment.objects.get(case=case).override_reason.startswith("Närmaste enhet")


def test_a_unit_that_fits_needs_no_reason_and_stores_none(demo, new_case, api):
    crew_join(user=demo.maria, unit=demo.units["IVA 1090"])
    case = new_case(required_capabilities=["intensive_care", "bariatric"])
    response = dispatch(api, demo.anna, case, [demo.units["IVA 1090"]], override_reason="x")
    assert response.status_code == 201
    assert Assignment.objects.get(case=case).override_reason == ""


def test_a_busy_unit_is_refused_even_with_a_reason(demo, new_case, api):
    first, second = new_case(), new_case()
    assert dispatch(api, demo.anna, first, [demo.amb1010]).status_code == 201
    response = dispatch(api, demo.anna, second, [demo.amb1010], override_reason="ändå")
    assert response.status_code == 409
    assert_detail(response, "AMB 1010")


def test_an_over_long_or_unknown_capability_is_a_400(demo, new_case, api):
    case = new_case()
    response = dispatch(api, demo.anna, case, [demo.units["AMB 1110"]],
                        override_reason="x" * 201)
    assert response.status_code == 400
    response = api(demo.anna).post("/api/cases/", {
        "region": demo.vml.pk, "caller_number": "+46701234567", "address": "Stora torget 1",
        "latitude": 59.61, "longitude": 16.54, "complaint": "Fall", "mbs_priority": "2A",
        "priority": "2A", "required_capabilities": ["teleportation"]}, format="json")
    assert response.status_code == 400
    assert "required_capabilities" in response.json()["errors"]


def test_a_unit_taken_out_of_service_just_before_the_claim_is_refused_by_it(
        demo, new_case, api, monkeypatch):
    """Another request takes the unit out of service just before our claim (its transaction
    commits first). The claim's conditional UPDATE requires it in service when no reason is
    given, and the answer is the check's 400, naming why."""
    case = new_case()
    claim = dispatch_services.units_claim_for_dispatch

    def out_of_service_then_claim(**kwargs):
        Unit.objects.filter(pk=demo.amb1010.pk).update(in_service=False, service_note="Sanering")
        return claim(**kwargs)

    monkeypatch.setattr(dispatch_services, "units_claim_for_dispatch", out_of_service_then_claim)
    response = dispatch(api, demo.anna, case, [demo.amb1010])
    assert response.status_code == 400, response.content
    assert_detail(response, "AMB 1010", "out of service", "override_reason")
    assert [r["code"] for r in response.json()["units"][0]["why_not"]] == ["out_of_service"]
    assert not Assignment.objects.filter(case=case).exists()
    assert Unit.objects.get(pk=demo.amb1010.pk).status == "available"
