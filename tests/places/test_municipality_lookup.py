"""One way to find a municipality by its name (places.selectors.municipality_by_name, on
`Municipality.folded_name`): the dispatch form, the geocoder and the import agree."""

import pytest

from places.models import Municipality
from places.selectors import municipality_by_name, municipality_find
from places.services import address_import

from .helpers import municipalities_add

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["Västerås", "VÄSTERÅS", "vasteras", "VASTERAS",
                                  " västerås ", "Västerås kommun", "VÄSTERÅS KOMMUN"])
def test_any_case_and_diacritics_find_the_same_municipality(name):
    municipalities_add()
    assert municipality_find(name=name).code == "1980"
    assert municipality_by_name(name).code == "1980"


def test_an_unknown_or_empty_name_finds_none():
    municipalities_add()
    assert municipality_find(name="Atlantis") is None
    assert municipality_by_name("kommun") is None
    assert municipality_by_name("") is None


def test_a_name_is_one_indexed_lookup_not_a_scan(django_assert_num_queries):
    municipalities_add()
    with django_assert_num_queries(1) as captured:
        municipality_by_name("VÄSTERÅS")
    assert "folded_name" in captured.captured_queries[0]["sql"]


def test_a_renamed_municipality_is_found_by_its_new_name_only():
    from places.services import municipality_update

    municipality = municipalities_add()["0381"]
    municipality_update(municipality=municipality, name="Enköpings kommun",
                        region=municipality.region)
    assert Municipality.objects.get(code="0381").folded_name == "enkopings"
    assert municipality_by_name("ENKÖPINGS").code == "0381"
    assert municipality_by_name("Enköping") is None


def test_the_import_finds_a_municipality_named_in_capitals():
    municipalities_add()
    rows = [(2, {"street": ["Stora torget"], "number": ["1"],
                 "municipality_code": ["", "VÄSTERÅS KOMMUN"],
                 "latitude": ["59.61"], "longitude": ["16.54"]})]
    result = address_import(rows=rows)
    assert (result.created, result.refused) == (1, [])


def _genitive_municipalities_add():
    """Municipalities whose Swedish genitive adds an s, beside one whose name ends in s, and
    a Norwegian one (kommune)."""
    found = municipalities_add()
    region = found["0381"].region
    for code, name in (("1983", "Köping"), ("0480", "Nyköping"), ("0360", "Tierp"),
                       ("0301", "Oslo"), ("0484", "Eskilstuna")):
        found[code] = Municipality.objects.create(code=code, name=name, region=region)
    return found


@pytest.mark.parametrize(("name", "code"), [
    ("Enköpings kommun", "0381"), ("ENKÖPINGS KOMMUN", "0381"), ("Enköping", "0381"),
    ("enkopings", "0381"), ("Köpings kommun", "1983"), ("Köping", "1983"),
    ("Nyköpings kommun", "0480"), ("NYKÖPING", "0480"), ("Tierps kommun", "0360"),
    ("Tierp", "0360"), ("Västerås kommun", "1980"), ("Västerås", "1980"),
    ("Stockholms stad", "0180"), ("Stockholms kommun", "0180"), ("Oslo kommune", "0301"),
    ("OSLO KOMMUNE", "0301"), ("Oslo Kommune", "0301"), ("Eskilstuna kommun", "0484"),
])
def test_genitive_and_kommune_forms_find_the_municipality(name, code):
    _genitive_municipalities_add()
    assert municipality_by_name(name).code == code
    assert municipality_find(name=name).code == code


def test_the_genitive_does_not_confuse_koping_with_nykoping_or_enkoping():
    _genitive_municipalities_add()
    assert municipality_by_name("Köpings kommun").code == "1983"
    assert municipality_by_name("Nyköpings").code == "0480"
    assert municipality_by_name("Köpingsvik") is None


def test_the_import_finds_a_district_in_the_genitive_form():
    _genitive_municipalities_add()
    rows = [(2, {"street": ["Storgatan"], "number": ["1"],
                 "municipality_code": ["", "Tierps kommun"],
                 "latitude": ["60.34"], "longitude": ["17.51"]}),
            (3, {"street": ["Storgatan"], "number": ["2"],
                 "municipality_code": ["", "Enköpings kommun"],
                 "latitude": ["59.63"], "longitude": ["17.07"]})]
    result = address_import(rows=rows)
    assert (result.created, result.refused) == (2, [])
    assert sorted(Municipality.objects.filter(addresses__isnull=False)
                  .values_list("code", flat=True)) == ["0360", "0381"]
