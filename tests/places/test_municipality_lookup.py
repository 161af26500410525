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
