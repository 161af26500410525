"""Import of the defibrillator register (ivpa/aeds.py, manage.py import_aeds)."""

import io

import pytest
from django.core.management import CommandError, call_command

from core.errors import Invalid
from ivpa import aeds, geo
from ivpa.aeds import aeds_import
from ivpa.models import Aed

pytestmark = pytest.mark.django_db

HEADER = "id,name,latitude,longitude,location,address,access_code,opening_hours,active\n"


def test_imports_rows_with_their_grid_cell():
    result = aeds_import(text=HEADER
                         + "A1,Stadshuset,59.6105,16.5435,Entrén,Fiskartorget 1,,24/7,\n"
                         + 'A2,Centralen,59.6074,16.5519,"Vänthallen, vid kiosken",,,'
                           '"Mo-Fr 07:00-18:00; Sa 10:00-14:00",ja\n')
    assert (result.created, result.updated, result.errors) == (2, 0, [])
    a1, a2 = Aed.objects.get(external_id="A1"), Aed.objects.get(external_id="A2")
    assert a1.cell == geo.cell_of(59.6105, 16.5435)
    assert a1.active and a1.opening_hours == "24/7" and a1.address == "Fiskartorget 1"
    assert a2.location == "Vänthallen, vid kiosken"
    assert a2.opening_hours == "Mo-Fr 07:00-18:00; Sa 10:00-14:00"


def test_swedish_headers_semicolons_decimal_commas_and_a_bom():
    text = ("\ufeffNamn;Lat;Lng;Plats;Adress;Kod;Öppettider;ID;Aktiv\n"
            "Kyrkbacken;59,6129;16,5448;Skåp vid trappan;Djäknegatan 2;1234;dygnet runt;K-7;Ja\n")
    result = aeds_import(text=text)
    assert (result.created, result.errors) == (1, [])
    aed = Aed.objects.get(external_id="K-7")
    assert (aed.name, aed.latitude, aed.longitude, aed.access_code) == (
        "Kyrkbacken", 59.6129, 16.5448, "1234")


def test_bad_rows_are_reported_by_line_and_good_rows_imported():
    text = (HEADER
            + "B1,Bra,59.61,16.54,,,,24/7,\n"                       # line 2: good
            + "B2,Fel lat,95.0,16.54,,,,24/7,\n"                    # 3
            + "B3,Oläsbar,59.61,16.54,,,,på vardagar,\n"            # 4
            + "B4,Utan tider,59.61,16.54,,,,,\n"                    # 5
            + ",Utan id,59.61,16.54,,,,24/7,\n"                     # 6
            + "B5,,59.61,16.54,,,,24/7,\n"                          # 7
            + "B6,Omkastad,16.54,59.61,,,,24/7,\n"                  # 8
            + "B1,Dubblett,59.61,16.54,,,,24/7,\n"                  # 9
            + "B7,Text,norr,16.54,,,,24/7,\n"                       # 10
            + "B8,Aktiv?,59.61,16.54,,,,24/7,kanske\n"              # 11
            + "B9,Bra igen,59.62,16.55,,,,Mo-Su 22:00-06:00,nej\n")  # 12: good, inactive
    result = aeds_import(text=text)
    assert result.created == 2
    assert set(Aed.objects.values_list("external_id", flat=True)) == {"B1", "B9"}
    assert not Aed.objects.get(external_id="B9").active
    lines = dict(result.errors)
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "out of range" in lines[3]
    assert "cannot be read" in lines[4] and "på vardagar" in lines[4]
    assert "24/7" in lines[5]
    assert "id is empty" in lines[6]
    assert "name is empty" in lines[7]
    assert "swapped" in lines[8]
    assert "already on line 2" in lines[9]
    assert "not a number" in lines[10]
    assert "neither yes nor no" in lines[11]


def test_line_numbers_count_quoted_line_breaks_and_blank_lines():
    text = (HEADER
            + 'C1,Ett,59.61,16.54,"två\nrader",,,24/7,\n'   # lines 2-3
            + "\n"                                          # 4: blank, skipped
            + "C2,Två,91,16.54,,,,24/7,\n")                 # 5
    result = aeds_import(text=text)
    assert result.created == 1
    assert [line for line, _ in result.errors] == [5]


def test_reimport_updates_counts_unchanged_and_deactivated():
    aeds_import(text=HEADER + "D1,Ett,59.61,16.54,,,,24/7,\n"
                + "D2,Två,59.62,16.55,,,,24/7,\n" + "D3,Tre,59.63,16.56,,,,24/7,\n")
    before = Aed.objects.get(external_id="D1").updated_at
    result = aeds_import(text=HEADER + "D1,Ett,59.61,16.54,,,,24/7,\n"
                         + "D2,Två nytt namn,59.70,16.55,,,,24/7,\n"
                         + "D3,Tre,59.63,16.56,,,,24/7,nej\n")
    assert (result.created, result.updated, result.unchanged, result.deactivated) == (
        0, 2, 1, 1)
    d2 = Aed.objects.get(external_id="D2")
    assert d2.name == "Två nytt namn" and d2.cell == geo.cell_of(59.70, 16.55)
    assert Aed.objects.get(external_id="D1").updated_at == before
    assert not Aed.objects.get(external_id="D3").active


def test_deactivate_missing_only_when_asked_and_not_for_refused_rows():
    aeds_import(text=HEADER + "E1,Ett,59.61,16.54,,,,24/7,\n"
                + "E2,Två,59.62,16.55,,,,24/7,\n" + "E3,Tre,59.63,16.56,,,,24/7,\n")
    partial = HEADER + "E1,Ett,59.61,16.54,,,,24/7,\n" + "E2,Två,99,16.55,,,,24/7,\n"
    assert aeds_import(text=partial).deactivated == 0
    assert Aed.objects.filter(active=True).count() == 3
    result = aeds_import(text=partial, deactivate_missing=True)
    assert result.deactivated == 1  # E3 only: E2's row was refused, not missing
    assert set(Aed.objects.filter(active=True).values_list("external_id", flat=True)) == {
        "E1", "E2"}


def test_missing_columns_refuse_the_file():
    with pytest.raises(Invalid, match="lacks the column.*opening_hours"):
        aeds_import(text="id,name,lat,lon\nF1,Ett,59.61,16.54\n")
    with pytest.raises(Invalid, match="empty"):
        aeds_import(text="\n\n")
    assert not Aed.objects.exists()


def test_row_and_size_limits_refuse_the_whole_file(monkeypatch):
    rows = "".join(f"G{i},AED {i},59.61,16.54,,,,24/7,\n" for i in range(aeds.MAX_ROWS + 1))
    with pytest.raises(Invalid, match="at most 20 000"):
        aeds_import(text=HEADER + rows)
    monkeypatch.setattr(aeds, "MAX_BYTES", 1000)
    with pytest.raises(Invalid, match="larger than 5 MB"):
        aeds_import(text=HEADER + "x" * 1001)
    assert not Aed.objects.exists()


def test_one_transaction_for_the_whole_file(monkeypatch):
    aeds_import(text=HEADER + "H1,Ett,59.61,16.54,,,,24/7,\n")

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Aed.objects, "bulk_update", fail)
    with pytest.raises(RuntimeError):
        aeds_import(text=HEADER + "H2,Två,59.62,16.55,,,,24/7,\n"
                    + "H1,Ett ändrad,59.61,16.54,,,,24/7,\n")
    assert list(Aed.objects.values_list("external_id", "name")) == [("H1", "Ett")]


def test_command_prints_the_summary_and_the_refused_lines(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(HEADER + "I1,Ett,59.61,16.54,,,,24/7,\nI2,Två,59.62,200,,,,24/7,\n",
                    encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_aeds", str(path), stdout=out, stderr=err)
    assert "2 rows: 1 created, 0 updated, 0 unchanged, 0 deactivated, 1 refused" in out.getvalue()
    assert "register.csv:3: Longitude 200 is out of range" in err.getvalue()
    with pytest.raises(CommandError, match="1 rows refused"):
        call_command("import_aeds", str(path), "--strict", stdout=out, stderr=err)


def test_command_refuses_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes((HEADER + "J1,Hörby,59.61,16.54,,,,24/7,\n").encode("cp1252"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_aeds", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_aeds", str(tmp_path / "none.csv"), stdout=io.StringIO())
