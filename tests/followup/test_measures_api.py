"""GET /api/followup/measures/: the report as JSON, CSV and XLSX; bad input in words."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.followup.reference import reference_world

URL = "/api/followup/measures/"


@pytest.fixture
def world(demo):
    return reference_world(demo)


@pytest.mark.parametrize(("query", "words"), [
    ({"year": "abc", "tertial": "1"}, "Give the year as a number"),
    ({"year": "2026", "tertial": "4"}, "The tertial is 1 (January–April)"),
    ({"year": "2026", "tertial": "0"}, "The tertial is 1"),
    ({"year": "2026", "tertial": ""}, "Give the year as a number"),
    ({"year": "1066", "tertial": "1"}, "The year must be between 2000 and 2100"),
    ({"year": "2026", "tertial": "1", "format": "pdf"}, "format=csv"),
])
def test_bad_year_tertial_or_format_is_a_400_in_words(demo, api, query, words):
    answer = api(demo.greta).get(URL, query)
    assert answer.status_code == 400
    assert words in answer.json()["detail"]


def test_the_manager_reads_the_report(world, api, demo):
    answer = api(demo.greta).get(URL, {"year": 2026, "tertial": 1})
    assert answer.status_code == 200
    body = answer.json()
    assert body["label"] == "T1 2026"
    vml = next(r for r in body["measures"][0]["regions"] if r["region"] == demo.vml.pk)
    assert (vml["value"], vml["count"]) == (95.0, 4)


def test_without_year_and_tertial_the_current_tertial(demo, api):
    from django.utils import timezone

    today = timezone.localdate()
    body = api(demo.anna).get(URL).json()
    assert (body["year"], body["tertial"]) == (today.year, (today.month - 1) // 4 + 1)
    assert body["no_data"] is True


def test_the_csv_has_a_row_per_measure_and_region(world, api, demo):
    answer = api(demo.greta).get(URL, {"year": 2026, "tertial": 1, "format": "csv"})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    assert 'filename="measures-2026-T1.csv"' in answer["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["Measure", "Name", "Region", "Value", "Unit", "Count", "Target",
                       "Meets the target", "Deviations"]
    assert len(rows) == 1 + 7 * 3
    first = rows[1]
    assert first[0] == "1" and first[2] == "Region Västmanland"
    assert (first[3], first[5], first[6], first[7]) == ("95.0", "4", "at most 80", "no")
    sormland_2 = rows[6]
    assert (sormland_2[0], sormland_2[2], sormland_2[3], sormland_2[7]) == (
        "2", "Region Sörmland", "", "")


def test_the_xlsx_holds_the_rows_with_numbers(world, api, demo, settings):
    settings.FOLLOWUP_DEVIATION_MIN_COUNT = 1
    settings.FOLLOWUP_DEVIATION_ALPHA = 0.1
    answer = api(demo.greta).get(URL, {"year": 2026, "tertial": 1, "format": "xlsx"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 7 * 3
    assert rows[1][:6] == (1, "Priority 1A: median time from answered call to alert",
                           "Region Västmanland", 95.0, "seconds", 4)
    assert rows[1][8] == ("Higher than the other regions (p = 0.099); Higher than the "
                          "previous three tertials (p = 0.083)")


def test_swedish_words_and_decimals(world, api, demo, settings):
    """The product speaks Swedish by default: the deviation's sentence with a decimal comma."""
    settings.LANGUAGE_CODE = "sv"
    settings.FOLLOWUP_DEVIATION_MIN_COUNT = 1
    settings.FOLLOWUP_DEVIATION_ALPHA = 0.1
    body = api(demo.greta).get(URL, {"year": 2026, "tertial": 1}).json()
    vml = next(r for r in body["measures"][0]["regions"] if r["region"] == demo.vml.pk)
    assert vml["deviations"][0]["words"] == "Högre än de andra regionerna (p = 0,099)"
    assert body["measures"][0]["target"]["comparison_words"] == "högst"
