"""A case's region follows its municipality (places.Municipality), when registered and when the
municipality is changed later; a region the dispatcher sets by hand to another is accepted and
recorded as such."""

import pytest

from dispatch.models import Case
from ivpa.models import Municipality as IvpaMunicipality
from ivpa.selectors import municipality_for_case
from places.models import Municipality
from tests.conftest import case_payload

from .helpers import assert_detail, db_state


@pytest.fixture
def municipalities(demo):
    """Västerås in Västmanland, Eskilstuna in Sörmland (get_or_create: a seed may have them)."""
    def one(code, name, region):
        found, _ = Municipality.objects.get_or_create(
            code=code, defaults={"name": name, "region": region})
        return found
    return {"vasteras": one("1980", "Västerås", demo.vml),
            "eskilstuna": one("0484", "Eskilstuna", demo.srm)}


def payload_without_region(demo, **overrides) -> dict:
    payload = case_payload(demo.vml, **overrides)
    del payload["region"]
    return payload


def test_the_region_follows_the_municipality_of_the_picked_address(demo, api, municipalities):
    response = api(demo.anna).post("/api/cases/", payload_without_region(demo,
        municipality_code="1980"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["region"] == demo.vml.pk and body["region_set_by_hand"] is False
    assert body["municipality"] == "Västerås" and body["municipality_code"] == "1980"
    assert body["reference"].startswith("VML-")


def test_a_region_sent_with_the_municipality_it_serves_is_not_set_by_hand(
        demo, api, municipalities):
    response = api(demo.anna).post("/api/cases/", case_payload(
        demo.vml, municipality_code="1980"), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["region_set_by_hand"] is False


def test_a_region_set_by_hand_to_another_is_accepted_and_recorded(demo, api, municipalities):
    response = api(demo.anna).post("/api/cases/", case_payload(
        demo.srm, municipality_code="1980"), format="json")
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["id"])
    assert case.region == demo.srm and case.region_set_by_hand
    assert case.municipality_code == "1980" and case.reference.startswith("SRM-")


def test_the_municipality_typed_by_name_gives_the_region_too(demo, api, municipalities):
    response = api(demo.anna).post("/api/cases/", payload_without_region(demo,
        municipality="eskilstuna"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["region"] == demo.srm.pk and body["municipality_code"] == "0484"
    assert body["municipality"] == "Eskilstuna"


def test_a_case_without_a_known_municipality_keeps_the_region_chosen(demo, api, municipalities):
    response = api(demo.anna).post("/api/cases/", case_payload(
        demo.upp, municipality="Ingenstans"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["region"] == demo.upp.pk and body["region_set_by_hand"] is False
    assert body["municipality"] == "Ingenstans" and body["municipality_code"] == ""


def test_an_old_client_sending_only_the_region_keeps_working(demo, api):
    response = api(demo.anna).post("/api/cases/", case_payload(demo.upp), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["region"] == demo.upp.pk


def test_without_municipality_the_region_is_required(demo, api, municipalities):
    before = db_state()
    response = api(demo.anna).post("/api/cases/", payload_without_region(demo), format="json")
    assert response.status_code == 400
    assert_detail(response, "region")
    assert db_state() == before


@pytest.mark.parametrize("code", ["9999", "19", "abcd", "1980; DROP TABLE"])
def test_a_bad_municipality_code_is_refused_with_a_message(demo, api, municipalities, code):
    before = db_state()
    response = api(demo.anna).post("/api/cases/", case_payload(
        demo.vml, municipality_code=code), format="json")
    assert response.status_code == 400, response.json()
    assert_detail(response, "municipality")
    assert db_state() == before


def _registered_in_vasteras(demo, api) -> dict:
    response = api(demo.anna).post("/api/cases/", payload_without_region(demo,
        municipality_code="1980"), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_changing_the_municipality_moves_the_case_to_its_region(demo, api, municipalities):
    created = _registered_in_vasteras(demo, api)
    response = api(demo.anna).patch(f"/api/cases/{created['id']}/", {
        "municipality_code": "0484"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["municipality"] == "Eskilstuna" and body["municipality_code"] == "0484"
    assert body["region"] == demo.srm.pk and body["region_set_by_hand"] is False
    # The reference names the region the case was registered in; it stays the case's name.
    assert body["reference"] == created["reference"]


def test_a_municipality_corrected_by_name_moves_the_region_too(demo, api, municipalities):
    created = _registered_in_vasteras(demo, api)
    response = api(demo.anna).patch(f"/api/cases/{created['id']}/", {
        "municipality": "eskilstuna"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["municipality_code"] == "0484" and body["region"] == demo.srm.pk
    assert body["region_set_by_hand"] is False


def test_a_region_set_by_hand_in_the_same_change_is_kept_and_recorded(
        demo, api, municipalities):
    created = _registered_in_vasteras(demo, api)
    response = api(demo.anna).patch(f"/api/cases/{created['id']}/", {
        "municipality_code": "0484", "region": demo.vml.pk}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["municipality_code"] == "0484"
    assert body["region"] == demo.vml.pk and body["region_set_by_hand"] is True


def test_a_region_changed_alone_is_set_by_hand_and_back_follows_again(
        demo, api, municipalities):
    created = _registered_in_vasteras(demo, api)
    url = f"/api/cases/{created['id']}/"
    body = api(demo.anna).patch(url, {"region": demo.srm.pk}, format="json").json()
    assert body["region"] == demo.srm.pk and body["region_set_by_hand"] is True
    assert body["municipality_code"] == "1980"
    body = api(demo.anna).patch(url, {"region": demo.vml.pk}, format="json").json()
    assert body["region"] == demo.vml.pk and body["region_set_by_hand"] is False


def test_a_municipality_nobody_knows_keeps_the_case_region(demo, api, municipalities):
    created = _registered_in_vasteras(demo, api)
    response = api(demo.anna).patch(f"/api/cases/{created['id']}/", {
        "municipality": "Ingenstans"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["municipality"] == "Ingenstans" and body["municipality_code"] == ""
    assert body["region"] == demo.vml.pk and body["region_set_by_hand"] is False


def test_a_change_to_an_unknown_region_or_code_is_refused_and_changes_nothing(
        demo, api, municipalities):
    created = _registered_in_vasteras(demo, api)
    for change in ({"region": 999999}, {"municipality_code": "9999"}):
        before = db_state()
        response = api(demo.anna).patch(f"/api/cases/{created['id']}/", change, format="json")
        assert response.status_code == 400, response.json()
        assert db_state() == before
    case = Case.objects.get(pk=created["id"])
    assert case.region == demo.vml and case.municipality_code == "1980"


def test_ivpa_finds_the_municipality_by_the_picked_code(demo, new_case, municipalities):
    ivpa_vasteras, _ = IvpaMunicipality.objects.get_or_create(
        code="1980", defaults={"name": "Västerås", "region": demo.vml})
    case = new_case(municipality_code="1980")
    assert municipality_for_case(case) == ivpa_vasteras
    # The code decides, whatever the name the address register spells.
    Case.objects.filter(pk=case.pk).update(municipality="Västerås stad")
    case.refresh_from_db()
    assert municipality_for_case(case) == ivpa_vasteras
