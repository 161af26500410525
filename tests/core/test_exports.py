"""Tables leave as CSV a spreadsheet opens as UTF-8 and as XLSX, with no formula smuggled in."""

import io

import pytest
from openpyxl import load_workbook

from core.exports import table_response


def test_csv_keeps_words_and_numbers_and_defuses_formulas():
    response = table_response(name="mått", headers=["Region", "Median (s)"],
                              rows=[["Västmanland", 71.5], ["=HYPERLINK(1)", None]],
                              format="csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffRegion,Median (s)\r\n")
    assert "Västmanland,71.5\r\n" in text
    assert "'=HYPERLINK(1),\r\n" in text
    assert response["Content-Disposition"] == 'attachment; filename="mått.csv"'


def test_xlsx_holds_the_same_table():
    response = table_response(name="stations", headers=["Station", "p90"],
                              rows=[["Sala", 1234.5]], format="xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert [list(r) for r in book.active.iter_rows(values_only=True)] == [
        ["Station", "p90"], ["Sala", 1234.5]]


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="csv, xlsx"):
        table_response(name="x", headers=[], rows=[], format="pdf")
