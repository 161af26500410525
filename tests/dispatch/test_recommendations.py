"""The recommended units of a case (GET /api/cases/{id}/recommendations/): every unit ranked by
its arrival from the travel time service, the dispatchable ones first with the fastest marked,
the others with why (words and codes)."""

from crews.models import Unit
from crews.services import crew_join, crew_leave, unit_service_set
from dispatch import services
from dispatch.models import Case
from places.travel import turnout_seconds
from tests.places.conftest import osrm, osrm_server  # noqa: F401 (fixtures)

# Eskilstuna (Sörmland), a few km from its station; Västerås is 35 km north across the border.
ESKILSTUNA = {"latitude": 59.38, "longitude": 16.50, "address": "Kungsgatan 1, Eskilstuna"}


def ranked(api, user, case) -> list[dict]:
    response = api(user).get(f"/api/cases/{case.pk}/recommendations/")
    assert response.status_code == 200, response.content
    return response.json()


def by_sign(rows) -> dict[str, dict]:
    return {r["call_sign"]: r for r in rows}


def codes(row) -> set[str]:
    return {reason["code"] for reason in row["why_not"]}


def test_manned_units_come_first_by_eta_and_the_first_is_the_fastest(demo, new_case, api):
    rows = ranked(api, demo.anna, new_case())  # Stora torget, Västerås
    selectable = [r for r in rows if r["selectable"]]
    # sara (AMB 1010), ali (AMB 1020) in Västerås, johan (AMB 3010) in Uppsala.
    assert [r["call_sign"] for r in selectable] == ["AMB 1010", "AMB 1020", "AMB 3010"]
    assert [r["eta_s"] for r in selectable] == sorted(r["eta_s"] for r in selectable)
    assert rows[0]["call_sign"] == "AMB 1010" and rows[0]["fastest"] is True
    assert [r["call_sign"] for r in rows if r["fastest"]] == ["AMB 1010"]
    assert all(r["why_not"] == [] and r["manned"] and r["in_service"] for r in selectable)
    # The rest follow, by ETA too, each with why: unmanned here.
    rest = rows[len(selectable):]
    assert len(rows) == Unit.objects.count() and rest
    assert all(not r["selectable"] and r["why_not"] for r in rest)
    timed = [r["eta_s"] for r in rest if r["eta_s"] is not None]
    assert timed == sorted(timed)
    amb1110 = by_sign(rows)["AMB 1110"]
    assert codes(amb1110) == {"not_manned"} and amb1110["manned"] is False
    assert "not manned" in amb1110["why_not"][0]["text"]
    # The estimate: the straight line × 1.35 at 16 m/s, plus the ambulance's turnout.
    assert all(r["backend"] == "estimate" for r in rows)
    assert rows[0]["eta_s"] == rows[0]["travel_s"] + turnout_seconds("ambulance")


def test_each_reason_a_unit_does_not_fit_is_named_in_words_and_codes(demo, new_case, api):
    other = new_case(address="Sala torg 1", latitude=59.92, longitude=16.60)
    [busy] = services.assignment_dispatch(case=other, units=[demo.amb3010], by=demo.anna)
    crew_join(user=demo.maria, unit=demo.units["IVA 1090"])
    crew_join(user=demo.karin, unit=demo.units["MVE 1500"])
    unit_service_set(unit=demo.amb1020, in_service=False, note="Sanering efter smittransport")
    case = new_case(required_capabilities=["intensive_care"])
    rows = by_sign(ranked(api, demo.anna, case))

    assert codes(rows["AMB 1020"]) == {"out_of_service", "lacks_capability"}
    texts = " | ".join(r["text"] for r in rows["AMB 1020"]["why_not"])
    assert "Sanering efter smittransport" in texts and "Intensive care" in texts
    assert rows["AMB 1020"]["in_service"] is False
    assert codes(rows["AMB 3010"]) == {"busy", "lacks_capability"}
    assert other.reference in rows["AMB 3010"]["why_not"][0]["text"]
    assert codes(rows["AMB 1010"]) == {"lacks_capability"}
    assert codes(rows["MVE 1500"]) >= {"not_for_emergencies"}
    assert codes(rows["AMB 1110"]) == {"not_manned", "lacks_capability"}
    # Only the manned intensive care unit fits, and is the recommendation.
    assert [s for s, r in rows.items() if r["selectable"]] == ["IVA 1090"]
    assert rows["IVA 1090"]["fastest"] is True
    # The unit already on this case says so.
    [_mine] = services.assignment_dispatch(case=case, units=[demo.units["IVA 1090"]],
                                           by=demo.anna)
    again = by_sign(ranked(api, demo.anna, case))
    assert codes(again["IVA 1090"]) == {"on_this_case"}
    assert not any(r["fastest"] for r in again.values())
    assert busy.pk


def test_a_crew_leaving_makes_the_unit_unmanned_and_a_unit_back_in_service_fits(
        demo, new_case, api):
    case = new_case()
    crew_leave(user=demo.sara)
    unit_service_set(unit=demo.amb1020, in_service=False, note="Däckbyte")
    rows = ranked(api, demo.anna, case)
    assert codes(by_sign(rows)["AMB 1010"]) == {"not_manned"}
    assert rows[0]["call_sign"] == "AMB 3010" and rows[0]["fastest"]
    unit_service_set(unit=demo.amb1020, in_service=True)
    rows = ranked(api, demo.anna, case)
    assert rows[0]["call_sign"] == "AMB 1020" and rows[0]["fastest"]


def test_across_the_region_border_the_nearer_region_s_unit_ranks_first(demo, new_case, api):
    """A case in Eskilstuna (Sörmland) with Sörmland's ambulances unmanned: Västerås's AMB 1010
    (35 km) beats Uppsala's AMB 3010 (100 km); Eskilstuna's own units are listed, with why."""
    case = new_case(**ESKILSTUNA)
    Case.objects.filter(pk=case.pk).update(region=demo.srm)
    rows = ranked(api, demo.anna, case)
    selectable = [r["call_sign"] for r in rows if r["selectable"]]
    assert selectable[0] == "AMB 1010" and selectable.index("AMB 3010") > 0
    amb4010 = by_sign(rows)["AMB 4010"]
    assert codes(amb4010) == {"not_manned"} and amb4010["eta_s"] < rows[0]["eta_s"]
    crew_join(user=demo.maria, unit=demo.amb4010)
    rows = ranked(api, demo.anna, case)
    assert rows[0]["call_sign"] == "AMB 4010" and rows[0]["region"] == demo.srm.pk


def test_the_router_s_times_rank_the_units_and_say_so(osrm, demo, new_case, api,  # noqa: F811
                                                      settings):
    settings.ROUTER_TIMEOUT_SECONDS = 10  # a loaded machine must not turn this into the estimate
    rows = ranked(api, demo.anna, new_case())
    road = [r for r in rows if r["kind"] != "helicopter"]
    assert {r["backend"] for r in road} == {"router"}
    assert len([q for q in osrm.requests if "/driving/" in q["path"]]) == 1
    # The helicopter flies: never routed by road.
    assert by_sign(rows)["HKP 3900"]["backend"] == "estimate"
    selectable = [r["eta_s"] for r in rows if r["selectable"]]
    assert selectable == sorted(selectable)


def test_a_failing_router_falls_back_to_the_estimate(osrm, demo, new_case, api):  # noqa: F811
    osrm.mode = "500"
    rows = ranked(api, demo.anna, new_case())
    assert {r["backend"] for r in rows} == {"estimate"}
    assert rows[0]["call_sign"] == "AMB 1010" and rows[0]["fastest"]


def test_a_unit_without_a_position_is_listed_without_an_eta(demo, new_case, api):
    Unit.objects.filter(pk=demo.amb1020.pk).update(latitude=None, longitude=None,
                                                   home_station=None)
    rows = ranked(api, demo.anna, new_case())
    row = by_sign(rows)["AMB 1020"]
    assert row["selectable"] and row["eta_s"] is None and row["backend"] is None
    selectable = [r["call_sign"] for r in rows if r["selectable"]]
    assert selectable[-1] == "AMB 1020"


def test_only_the_console_roles_see_the_recommendations(demo, new_case, api):
    case = new_case()
    url = f"/api/cases/{case.pk}/recommendations/"
    assert api(demo.admin).get(url).status_code == 200
    for user in (demo.sara, demo.lars, demo.karin):
        assert api(user).get(url).status_code == 403
    assert api(demo.anna).get("/api/cases/999999/recommendations/").status_code == 404
