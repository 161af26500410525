"""The address search (places.search, places.selectors.address_search): folding, the street
abbreviations, the ranking, and bad input; on whichever database the suite runs."""

import pytest

from places.search import QUERY_MAX_CHARS, number_split, query_parse, text_fold
from places.selectors import address_nearest, address_search

from .helpers import POSITIONS, address_add, municipalities_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(db):
    m = municipalities_add()
    for number in ("1", "2", "3", "10", "11", "12"):
        address_add(m["1980"], "Stora torget", number, locality="Västerås", postcode="722 15")
    address_add(m["1980"], "Stora torget", "1", "A", locality="Västerås")
    address_add(m["0381"], "Stora torget", "1", locality="Enköping")
    address_add(m["1980"], "Storgatan", "1", locality="Västerås")
    address_add(m["1980"], "Lilla Storgatan", "1", locality="Västerås")
    address_add(m["1980"], "Stora Gatan", "5", locality="Skultuna")
    address_add(m["0380"], "Dragarbrunnsgatan", "12", locality="Uppsala")
    address_add(m["0380"], "Dragarbrunnsgatan", "12", "B", locality="Uppsala")
    address_add(m["0380"], "Dragarbrunnsgatan", "2", locality="Uppsala")
    address_add(m["0380"], "Dragarbrunnsgatan", "120", locality="Uppsala")
    address_add(m["0380"], "Kungsgatan", "5", locality="Uppsala")
    address_add(m["0180"], "S:t Eriksgatan", "20", locality="Stockholm")
    address_add(m["0380"], "Sysslomansgatan", "4", locality="Uppsala")
    return m


def labels(text, **kwargs):
    return [h.label for h in address_search(text=text, **kwargs)]


def test_folding_lowers_strips_diacritics_and_punctuation():
    assert text_fold("Västerås, Öster-Ängsgatan 3") == "vasteras oster angsgatan 3"
    assert text_fold("Café Église") == "cafe eglise"
    assert text_fold("Bjørnstjerne Bjørnsons gate") == "bjornstjerne bjornsons gate"
    assert text_fold("S:t Eriksgatan") == "sankt eriksgatan"


def test_numbers_with_letters_are_split():
    assert number_split("12b") == ("12", "B")
    assert number_split("12 B") == ("12", "B")
    q = query_parse("Dragarbrunnsg 12b")
    assert (q.number, q.letter) == ("12", "B")


def test_abbreviations_are_searched_as_their_street_words(register):
    assert ("kungsgt", "kungsgatan") == query_parse("Kungsgt 5").words[0]
    assert "sankt" in query_parse("st eriksgatan").words[0]
    assert labels("Kungsgt 5") == ["Kungsgatan 5, Uppsala"]
    assert labels("St Eriksg 20") == ["S:t Eriksgatan 20, Stockholm"]
    assert labels("s:t eriksgatan") == ["S:t Eriksgatan 20, Stockholm"]


def test_stora_torget_1_vasteras_comes_first(register):
    found = labels("Stora torget 1 Västerås")
    assert found[0] == "Stora torget 1, Västerås"
    assert found[1] == "Stora torget 1A, Västerås"
    assert "Stora torget 1, Enköping" not in found


def test_typed_without_diacritics_and_number_the_street_comes_in_number_order(register):
    found = labels("stora torget vasteras")
    assert found[:7] == [f"Stora torget {n}, Västerås" for n in
                         ("1", "1A", "2", "3", "10", "11", "12")]


def test_a_compound_abbreviation_finds_the_street(register):
    assert labels("Dragarbrunnsg 12") == ["Dragarbrunnsgatan 12, Uppsala",
                                          "Dragarbrunnsgatan 12B, Uppsala"]


def test_a_number_not_there_is_completed_as_typed(register):
    # No number 1: the numbers it starts, in numeric order.
    assert labels("dragarbrunnsgatan 1") == ["Dragarbrunnsgatan 12, Uppsala",
                                             "Dragarbrunnsgatan 12B, Uppsala",
                                             "Dragarbrunnsgatan 120, Uppsala"]


def test_a_letter_typed_asks_for_that_entrance(register):
    assert labels("dragarbrunnsgatan 12b") == ["Dragarbrunnsgatan 12B, Uppsala"]


def test_the_street_start_ranks_above_a_word_inside_it(register):
    found = labels("storgatan 1")
    assert found[0] == "Storgatan 1, Västerås"


def test_a_locality_word_raises_the_rank(register):
    found = labels("stora torget 1 enk")
    assert found == ["Stora torget 1, Enköping"]


def test_results_are_limited(register):
    assert len(labels("stora", limit=3)) == 3


def test_too_short_a_query_finds_nothing(register):
    assert labels("st") == []
    assert labels("12") == []


@pytest.mark.parametrize("text", [
    '"', "'", "%", "_", "\\", "*", "stora%", "sto_a", '"stora"*', "stora OR torget",
    "NEAR(stora torget)", "stora AND", "torget NOT stora", "^stora", "col:stora",
    "'; DROP TABLE places_address; --", "(.*)+$", "[a-z]+", "stora\x00torget", "🚑🚑🚑",
    "stora -torget", "{folded}: stora",
])
def test_metacharacters_are_only_text(register, text):
    assert isinstance(address_search(text=text), list)


def test_percent_does_not_match_everything(register):
    assert labels("%%%") == []
    assert labels("___") == []


def test_nearest_address_within_reach(register):
    hit = address_nearest(latitude=59.6099, longitude=16.5448)
    assert hit is not None and hit.street == "Stora torget"
    assert address_nearest(latitude=65.0, longitude=20.0) is None


def test_the_query_bound_is_stated():
    assert QUERY_MAX_CHARS == 100


def test_one_or_two_letters_next_to_longer_words_still_filter(register):
    assert labels("stora torget 1 v") == ["Stora torget 1, Västerås",
                                          "Stora torget 1A, Västerås"]
    assert labels("stora torget 1 en") == ["Stora torget 1, Enköping"]
    assert labels("stora torget 1 x") == []


def test_the_search_index_follows_changes_and_deletions(register):
    from places.models import Address

    address = Address.objects.get(street="Sysslomansgatan")
    address.street = "Svartbäcksgatan"
    address.save()
    assert labels("svartbacksgatan 4") == ["Svartbäcksgatan 4, Uppsala"]
    assert labels("sysslomansgatan") == []
    address.delete()
    assert labels("svartbacksgatan") == []


@pytest.fixture
def kungsgatan_in_four_towns(register):
    m = register
    address_add(m["1980"], "Kungsgatan", "5", locality="Västerås")
    address_add(m["1980"], "Kungsgatan", "7", locality="Västerås")
    address_add(m["0381"], "Kungsgatan", "5", locality="Enköping")
    address_add(m["0180"], "Kungsgatan", "5", locality="Stockholm")
    return m


def test_a_street_and_number_without_a_town_lists_the_nearest_town_first(
        kungsgatan_in_four_towns):
    vasteras = POSITIONS["Västerås"]
    assert labels("Kungsgatan 5", near=vasteras) == [
        "Kungsgatan 5, Västerås", "Kungsgatan 5, Enköping", "Kungsgatan 5, Uppsala",
        "Kungsgatan 5, Stockholm"]
    assert labels("Kungsgatan 5", near=POSITIONS["Stockholm"])[0] == "Kungsgatan 5, Stockholm"


def test_the_nearer_town_keeps_its_numbers_in_order(kungsgatan_in_four_towns):
    assert labels("Kungsgatan", near=POSITIONS["Västerås"])[:3] == [
        "Kungsgatan 5, Västerås", "Kungsgatan 7, Västerås", "Kungsgatan 5, Enköping"]


def test_the_askers_region_comes_before_a_nearer_town(kungsgatan_in_four_towns):
    assert labels("Kungsgatan 5", near=POSITIONS["Västerås"], region="UPP")[:2] == [
        "Kungsgatan 5, Enköping", "Kungsgatan 5, Uppsala"]
    assert labels("Kungsgatan 5", region="sll")[0] == "Kungsgatan 5, Stockholm"


def test_a_better_match_stays_above_a_nearer_town(kungsgatan_in_four_towns):
    assert labels("Kungsgatan 5 Uppsala", near=POSITIONS["Stockholm"])[0] == \
        "Kungsgatan 5, Uppsala"


def test_the_nearest_address_is_found_among_thousands_in_the_box(register):
    from places.models import Address

    m = register
    # A dense centre: 2,500 addresses 100-250 m south of the point (before it in the
    # position index and in the table), then one 20 m east.
    Address.objects.bulk_create(
        Address(municipality=m["1980"], street="Tätgatan", number=str(n), latitude=59.6
                - 0.0009 - (n % 50) * 0.00003, longitude=16.5 + (n // 50) * 0.00002,
                folded=" tatgatan") for n in range(2500))
    address_add(m["1980"], "Närmaste gränd", "1", locality="Nära")
    Address.objects.filter(street="Närmaste gränd").update(latitude=59.6, longitude=16.50036)
    hit = address_nearest(latitude=59.6, longitude=16.5)
    assert hit.street == "Närmaste gränd"
    assert hit.distance_m == pytest.approx(20, abs=1)


@pytest.mark.parametrize("asker", [{"near": POSITIONS["Västerås"]}, {"region": "VML"}])
def test_the_askers_town_is_ranked_even_when_the_candidates_are_cut(
        register, monkeypatch, asker):
    from places import selectors
    from places.models import Address, Municipality

    m = register
    far = {"Kiruna": (67.85, 20.22), "Malmö": (55.6, 13.0), "Göteborg": (57.7, 11.97),
           "Umeå": (63.8, 20.26), "Luleå": (65.58, 22.15)}
    for code, (town, (latitude, longitude)) in enumerate(far.items(), start=9001):
        municipality = Municipality.objects.create(code=str(code), name=town,
                                                   region=m["0180"].region)
        Address.objects.create(municipality=municipality, street="Drottninggatan", number="4",
                               locality=town, latitude=latitude, longitude=longitude)
    address_add(m["1980"], "Drottninggatan", "4", locality="Västerås")
    monkeypatch.setattr(selectors, "CANDIDATES_MAX", 3)
    assert labels("Drottninggatan 4", limit=3, **asker)[0] == "Drottninggatan 4, Västerås"
