"""The demo's place data (places/data): the municipality → region table and the demo address set
are valid, agree with each other and with the demo's regions and stations, hold the addresses
the issue and the browser tests type, and the generator reproduces the committed CSV."""

import csv
import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from dispatch.management.commands.seed_demo import REGIONS, STATIONS

DATA = Path(__file__).resolve().parents[2] / "places" / "data"
ADDRESS_HEADER = ["street", "number", "letter", "postcode", "locality", "municipality_code",
                  "latitude", "longitude"]
# Sweden's bounding box, generously.
LATITUDES, LONGITUDES = (55.3, 69.1), (10.9, 24.2)
# (street, number, locality): typed by the issue, the demo's seeds and the browser tests.
TYPED = [
    ("Stora torget", "1", "Västerås"), ("Dragarbrunnsgatan", "12", "Uppsala"),
    ("Stora torget", "3", "Västerås"), ("Vasagatan", "2", "Västerås"),
    ("Vasagatan", "5", "Västerås"), ("Vasagatan", "7", "Västerås"),
    ("Vasagatan", "12", "Västerås"), ("Kopparbergsvägen", "12", "Västerås"),
    ("Malmabergsgatan", "2", "Västerås"), ("Fiskartorget", "1", "Västerås"),
    ("Centralplan", "1", "Västerås"), ("Djäknegatan", "2", "Västerås"),
    ("Dragarbrunnsgatan", "10", "Uppsala"), ("Svartbäcksgatan", "5", "Uppsala"),
    ("Drottninggatan", "3", "Uppsala"),
]


def rows_of(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def municipalities() -> dict[str, dict[str, str]]:
    header, rows = rows_of("municipalities.csv")
    assert header == ["code", "name", "region_code"]
    return {row["code"]: row for row in rows}


@pytest.fixture(scope="module")
def addresses() -> list[dict[str, str]]:
    header, rows = rows_of("demo_addresses.csv")
    assert header == ADDRESS_HEADER
    return rows


def test_municipalities_are_the_three_counties_with_the_demo_regions(municipalities):
    assert len(municipalities) == 27
    assert {row["region_code"] for row in municipalities.values()} == {c for c, _ in REGIONS}
    by_county = Counter(code[:2] for code in municipalities)
    assert by_county == {"19": 10, "03": 8, "04": 9}
    expected_region = {"19": "VML", "03": "UPP", "04": "SRM"}
    for code, row in municipalities.items():
        assert len(code) == 4 and code.isdigit(), code
        assert row["region_code"] == expected_region[code[:2]], row
    assert municipalities["1980"]["name"] == "Västerås"
    assert municipalities["0380"]["name"] == "Uppsala"
    assert municipalities["0484"]["name"] == "Eskilstuna"


def test_addresses_are_a_few_thousand_well_formed_rows(addresses):
    assert 3000 <= len(addresses) <= 6000
    for row in addresses:
        assert row["street"] and row["locality"], row
        assert row["number"].isdigit() and int(row["number"]) >= 1, row
        assert row["letter"] in {"", "A", "B"}, row
        assert len(row["postcode"]) == 5 and row["postcode"].isdigit(), row


def test_every_address_municipality_is_in_the_table(addresses, municipalities):
    assert {row["municipality_code"] for row in addresses} <= set(municipalities)


def test_every_position_is_within_sweden(addresses):
    for row in addresses:
        lat, lon = float(row["latitude"]), float(row["longitude"])
        assert LATITUDES[0] < lat < LATITUDES[1] and LONGITUDES[0] < lon < LONGITUDES[1], row


def test_no_address_appears_twice(addresses):
    keys = Counter((row["municipality_code"], row["street"], row["number"], row["letter"],
                    row["postcode"]) for row in addresses)
    assert [key for key, count in keys.items() if count > 1] == []


def test_the_addresses_the_issue_and_the_tests_type_exist(addresses):
    present = {(row["street"], row["number"], row["locality"]) for row in addresses
               if not row["letter"]}
    assert [typed for typed in TYPED if typed not in present] == []


def test_every_station_town_has_addresses_in_its_region(addresses, municipalities):
    region_of = {}
    for row in addresses:
        region_of.setdefault(row["locality"], municipalities[row["municipality_code"]]
                             ["region_code"])
    for town, region, _lat, _lon in STATIONS:
        assert region_of.get(town) == region, town


def test_station_towns_addresses_lie_near_the_station(addresses):
    """Approximate positions, but in the right town: within 3 km of its station."""
    stations = {town: (lat, lon) for town, _region, lat, lon in STATIONS}
    for row in addresses:
        if row["locality"] in stations:
            lat, lon = stations[row["locality"]]
            assert abs(float(row["latitude"]) - lat) < 0.03, row
            assert abs(float(row["longitude"]) - lon) < 0.05, row


def test_the_generator_reproduces_the_committed_csv():
    spec = importlib.util.spec_from_file_location(
        "generate_demo_addresses", DATA / "generate_demo_addresses.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    committed = (DATA / "demo_addresses.csv").read_bytes()
    assert generator.csv_render(generator.rows_build()).encode("utf-8") == committed
