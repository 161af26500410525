"""What a hospital can receive (*PCI, stroke, trauma, ...*): validated wherever it is set (the
model, the administrator's form, the import), shown in words by GET /api/hospitals/ in the
request's language, and the demo's real hospitals of the three regions with theirs."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from places.models import HOSPITAL_CAPABILITIES, Hospital
from places.services import hospitals_import

from .helpers import hospitals_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def hospitals(db):
    found = hospitals_add()
    Hospital.objects.filter(name="Akademiska sjukhuset").update(
        capabilities=["trauma", "pci", "stroke"])
    return found


def test_the_list_shows_the_capabilities_in_words_in_the_register_order(hospitals, api, demo):
    body = api(demo.sara).get("/api/hospitals/").json()
    akademiska = next(h for h in body if h["name"] == "Akademiska sjukhuset")
    assert akademiska["capabilities"] == ["trauma", "pci", "stroke"]
    assert akademiska["capability_labels"] == ["PCI", "stroke", "trauma"]
    enkoping = next(h for h in body if h["name"] == "Lasarettet i Enköping")
    assert enkoping["capability_labels"] == []


@pytest.mark.parametrize(("language", "words"), [
    ("sv", ["barn", "brännskador", "förlossning", "psykiatri"]),
    ("nb", ["barn", "brannskader", "fødsel", "psykiatri"])])
def test_the_words_follow_the_language(hospitals, api, demo, language, words):
    client = api(demo.anna)
    client.cookies["django_language"] = language
    Hospital.objects.filter(name="Akademiska sjukhuset").update(
        capabilities=["paediatrics", "obstetrics", "burns", "psychiatry"])
    body = client.get("/api/hospitals/").json()
    akademiska = next(h for h in body if h["name"] == "Akademiska sjukhuset")
    assert akademiska["capability_labels"] == words


def test_an_unknown_capability_is_refused_and_a_known_list_is_put_in_order(hospitals):
    hospital = Hospital.objects.get(name="Akademiska sjukhuset")
    hospital.capabilities = ["stroke", "cardiology"]
    with pytest.raises(ValidationError) as error:
        hospital.full_clean()
    assert "cardiology" in str(error.value) and "pci" in str(error.value)
    hospital.capabilities = ["trauma", "pci", "trauma"]
    hospital.full_clean()
    assert hospital.capabilities == ["pci", "trauma"]


@pytest.fixture
def admin_client(demo):
    client = Client()
    client.force_login(demo.admin)
    return client


def form(hospital, **changes):
    data = {"name": hospital.name, "short_name": hospital.short_name,
            "address": hospital.address, "municipality": hospital.municipality_id,
            "latitude": hospital.latitude, "longitude": hospital.longitude,
            "emergency": "on", "active": "on"}
    data.update(changes)
    return data


def test_an_administrator_ticks_what_a_hospital_can_receive(admin_client, hospitals):
    hospital = hospitals["Lasarettet i Enköping"]
    page = admin_client.get(f"/admin/places/hospital/{hospital.pk}/change/")
    assert page.status_code == 200
    assert b'value="paediatrics"' in page.content and b"checkbox" in page.content
    response = admin_client.post(f"/admin/places/hospital/{hospital.pk}/change/",
                                 form(hospital, capabilities=["stroke", "pci"]))
    assert response.status_code == 302, response.content[:3000]
    hospital.refresh_from_db()
    assert hospital.capabilities == ["pci", "stroke"]
    listing = admin_client.get("/admin/places/hospital/")
    assert "PCI, stroke" in listing.content.decode()


def test_the_administrators_form_refuses_an_unknown_capability(admin_client, hospitals):
    hospital = hospitals["Lasarettet i Enköping"]
    response = admin_client.post(f"/admin/places/hospital/{hospital.pk}/change/",
                                 form(hospital, capabilities=["cardiology"]))
    assert response.status_code == 200  # the form again, with the error
    assert b"cardiology" in response.content
    hospital.refresh_from_db()
    assert hospital.capabilities == []


def test_the_import_reads_capabilities_and_refuses_an_unknown_one(hospitals):
    rows = [
        (2, {"name": "Akademiska sjukhuset", "municipality_code": "0380", "latitude": "59.8486",
             "longitude": "17.6381", "capabilities": "burns; PCI stroke"}),
        (3, {"name": "Lasarettet i Enköping", "municipality_code": "0381",
             "latitude": "59.6386", "longitude": "17.0690", "capabilities": "heart"}),
    ]
    result = hospitals_import(rows=rows)
    assert result.updated == 1
    assert result.refused and result.refused[0][0] == 3 and "heart" in result.refused[0][1]
    assert Hospital.objects.get(name="Akademiska sjukhuset").capabilities == [
        "pci", "stroke", "burns"]


def test_the_demo_has_the_real_hospitals_of_the_three_regions(demo):
    call_command("seed_places_demo", stdout=io.StringIO())
    by_name = {h.name: h for h in Hospital.objects.select_related("municipality__region")}
    regions = {h.municipality.region.code for h in by_name.values()}
    assert regions == {"VML", "UPP", "SRM"}
    for name in ("Västmanlands sjukhus Västerås", "Akademiska sjukhuset",
                 "Lasarettet i Enköping", "Mälarsjukhuset", "Nyköpings lasarett",
                 "Kullbergska sjukhuset"):
        assert name in by_name
    # The region's burn centre is Uppsala's; every regional hospital takes PCI, stroke, trauma.
    assert [n for n, h in by_name.items() if "burns" in h.capabilities] == ["Akademiska sjukhuset"]
    for name in ("Västmanlands sjukhus Västerås", "Akademiska sjukhuset", "Mälarsjukhuset"):
        assert {"pci", "stroke", "trauma"} <= set(by_name[name].capabilities)
    for hospital in by_name.values():
        assert set(hospital.capabilities) <= set(HOSPITAL_CAPABILITIES)
