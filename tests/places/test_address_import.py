"""`manage.py import_addresses` and `seed_places_demo`: English, Swedish and OpenAddresses'
headers, bad rows listed by line, re-import updates, a file that is not an address CSV refused
with nothing lost."""

import io

import pytest
from django.core.management import CommandError, call_command

from places.models import Address, Municipality
from places.selectors import address_search

from .helpers import municipalities_add

pytestmark = pytest.mark.django_db

ENGLISH = """street,number,letter,postcode,locality,municipality_code,latitude,longitude
Stora torget,1,,72215,Västerås,1980,59.6099,16.5448
Stora torget,3,A,722 15,Västerås,1980,59.6101,16.5450
Dragarbrunnsgatan,12,,75320,Uppsala,0380,59.8590,17.6400
"""


@pytest.fixture
def regions(demo):
    return municipalities_add()


def run(tmp_path, content, *args, name="addresses.csv", encoding="utf-8"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding=encoding)
    out = io.StringIO()
    call_command("import_addresses", str(path), *args, stdout=out)
    return out.getvalue()


def test_english_headers_import_and_the_summary_counts(tmp_path, regions):
    out = run(tmp_path, ENGLISH)
    assert out.strip().splitlines()[-1].startswith("imported 3 new, updated 0, refused 0 rows in")
    first = Address.objects.get(street="Stora torget", number="1")
    assert (first.postcode, first.municipality.code, first.folded) == (
        "722 15", "1980", " stora torget vasteras")
    assert Address.objects.get(number="3").letter == "A"
    assert [h.label for h in address_search(text="stora torget 3a")] == [
        "Stora torget 3A, Västerås"]


def test_swedish_headers_semicolons_and_a_byte_order_mark(tmp_path, regions):
    content = ("Gatunamn;Adressnummer;Bokstav;Postnummer;Postort;Kommunkod;Latitud;Longitud\n"
               "Vasagatan;7;;72212;Västerås;1980;59,6120;16,5400\n"
               "Kopparbergsvägen;10;B;72213;Västerås;1980;59.6150;16.5300\n")
    out = run(tmp_path, content, encoding="utf-8-sig")
    assert "imported 2 new" in out
    assert Address.objects.get(street="Vasagatan").latitude == pytest.approx(59.612)
    assert Address.objects.get(street="Kopparbergsvägen").letter == "B"


def test_openaddresses_columns_with_the_municipality_in_district_or_region(tmp_path, regions):
    content = ("LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE,ID,HASH\n"
               "16.5448,59.6099,12B,Stora torget,,Västerås,1980,,72215,,abc\n"
               "17.64,59.859,4,Sysslomansgatan,,Uppsala,,Uppsala kommun,75311,,def\n")
    out = run(tmp_path, content)
    assert "imported 2 new" in out
    stora = Address.objects.get(street="Stora torget")
    assert (stora.number, stora.letter) == ("12", "B")
    assert Address.objects.get(street="Sysslomansgatan").municipality.code == "0380"


def test_bad_rows_are_listed_by_line_and_good_rows_imported(tmp_path, regions):
    content = ENGLISH + (
        "Långgatan,2,,,Västerås,1980,not-a-number,16.5\n"           # line 5
        "Fjärran,1,,,Nowhere,1980,40.0,16.5\n"                      # line 6
        "Okändgatan,1,,,Någonstans,9999,59.6,16.5\n"                # line 7
        ",4,,,Västerås,1980,59.6,16.5\n"                            # line 8
        "Storgatan,5,,,Västerås,1980,59.61,16.54\n")                # line 9
    out = run(tmp_path, content)
    assert "line 5: latitude/longitude is not a number" in out
    assert "line 6: position 40.0, 16.5 is outside Sweden and Norway" in out
    assert "line 7: unknown municipality code (9999)" in out
    assert "line 8: street is missing" in out
    assert out.strip().splitlines()[-1].startswith(
        "imported 4 new, updated 0, refused 4 rows (lines 5, 6, 7, 8) in")
    assert Address.objects.filter(street="Storgatan").exists()


def test_a_reimport_updates_instead_of_adding(tmp_path, regions):
    run(tmp_path, ENGLISH)
    moved = ENGLISH.replace("59.6099,16.5448", "59.6200,16.5500")
    out = run(tmp_path, moved)
    assert "imported 0 new, updated 3" in out
    assert Address.objects.count() == 3
    assert Address.objects.get(street="Stora torget", number="1").latitude == 59.62


def test_a_reimport_with_a_new_postcode_updates_the_address(tmp_path, regions):
    run(tmp_path, ENGLISH)
    out = run(tmp_path, ENGLISH.replace("72215", "72211"))
    assert "imported 0 new, updated 3" in out
    assert Address.objects.count() == 3
    assert Address.objects.get(street="Stora torget", number="1").postcode == "722 11"
    assert [h.postcode for h in address_search(text="Stora torget 1 Västerås")] == ["722 11"]


@pytest.mark.parametrize("content, says", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    (b"\xff\xfe\xfa not utf-8 \xc3\x28", "UTF-8"),
    ("just some text\nwithout a header we know\n", "not an address CSV"),
    ("", "empty"),
    ("street,number,postcode,locality,municipality_code,latitude\nA,1,,,1980,59.6\n",
     "longitude"),
])
def test_a_file_that_is_not_an_address_csv_is_refused_and_nothing_is_lost(
        tmp_path, regions, content, says):
    run(tmp_path, ENGLISH, name="first.csv")
    with pytest.raises(CommandError, match=says):
        run(tmp_path, content)
    assert Address.objects.count() == 3


def test_a_file_unreadable_part_way_leaves_the_register_as_it_was(tmp_path, regions):
    run(tmp_path, ENGLISH, name="first.csv")
    rows = "".join(f"Nygatan,{n},,,Västerås,1980,59.61,16.54\n" for n in range(1, 20_000))
    content = (ENGLISH + rows).encode() + b"Trasig\xff\xfegatan,1,,,V,1980,59.6,16.5\n"
    with pytest.raises(CommandError, match="not readable"):
        run(tmp_path, content)
    assert Address.objects.count() == 3


def test_municipalities_import_and_an_administrators_move(tmp_path, demo):
    content = "code,name,region_code\n1980,Västerås,VML\n0380,Uppsala,UPP\n9,X,NOPE\n"
    out = run(tmp_path, content, "--municipalities")
    assert "imported 2 new" in out and "line 4: unknown region code (NOPE)" in out
    run(tmp_path, "code,name,region_code\n1980,Västerås,UPP\n", "--municipalities")
    assert Municipality.objects.get(code="1980").region.code == "UPP"


def test_a_renamed_municipality_is_searched_by_its_new_name(
        tmp_path, regions, django_capture_on_commit_callbacks):
    run(tmp_path, ENGLISH)
    with django_capture_on_commit_callbacks(execute=True):
        run(tmp_path, "code,name,region_code\n0380,Upsala,UPP\n", "--municipalities")
    assert address_search(text="dragarbrunnsgatan upsala")


@pytest.mark.django_db(transaction=True)
def test_a_renamed_municipalitys_addresses_are_refolded_after_the_commit_in_batches(
        demo, monkeypatch):
    from django.db import connection, transaction

    from places import services
    from places.services import municipality_update

    from .helpers import address_add

    municipality = municipalities_add()["0381"]
    for number in range(1, 8):
        address_add(municipality, "Kungsgatan", str(number), locality="Enköping")
    monkeypatch.setattr(services, "BATCH_SIZE", 3)
    calls = []
    bulk_update = type(Address.objects).bulk_update

    def spy(manager, objs, fields, **kwargs):
        calls.append((outside[0], len(objs), len(connection.atomic_blocks)))
        return bulk_update(manager, objs, fields, **kwargs)

    monkeypatch.setattr(type(Address.objects), "bulk_update", spy)
    outside = [False]
    with transaction.atomic():  # as the admin's change view
        municipality_update(municipality=municipality, name="Enköpings stad",
                            region=municipality.region)
        outside[0] = True
    # Not under the rename's transaction: after it, 3 + 3 + 1 rows, each batch on its own.
    assert calls == [(True, 3, 1), (True, 3, 1), (True, 1, 1)]
    assert Address.objects.filter(folded__contains=" stad").count() == 7


def test_a_missing_file_is_a_clear_error(tmp_path, regions):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_addresses", str(tmp_path / "none.csv"), stdout=io.StringIO())


def test_the_demo_seed_is_idempotent(demo):
    out = io.StringIO()
    call_command("seed_places_demo", stdout=out)
    call_command("seed_places_demo", stdout=out)
    assert Municipality.objects.get(code="1980").region.code == "VML"
    assert "imported 0 new" in out.getvalue().splitlines()[-1]
    assert address_search(text="Stora torget 1 Västerås")[0].label == "Stora torget 1, Västerås"


def test_the_demo_seed_skips_files_not_there(demo, tmp_path, monkeypatch):
    from places.management.commands import seed_places_demo

    monkeypatch.setattr(seed_places_demo, "DATA", tmp_path)
    out = io.StringIO()
    call_command("seed_places_demo", stdout=out)
    assert "municipalities.csv: not there, skipped" in out.getvalue()
    assert "demo_addresses.csv: not there, skipped" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_large_import_commits_per_batch_and_lets_another_writer_in(tmp_path, demo):
    import threading

    from django.db import connection

    from crews.models import Region
    from places.services import address_import

    municipalities_add()
    path = tmp_path / "big.csv"
    path.write_text(ENGLISH + "".join(f"Nygatan,{n},,,Västerås,1980,59.61,16.54\n"
                                      for n in range(1, 50)), encoding="utf-8")
    seen = []

    def other_writer(n):
        errors = []

        def write():
            try:
                Region.objects.create(code=f"W{n}", name=f"Written during the import {n}")
            except Exception as exc:  # noqa: BLE001 - the failure is what is asserted
                errors.append(exc)
            finally:
                from django.db import connection as own
                own.close()

        thread = threading.Thread(target=write)
        thread.start()
        thread.join(timeout=30)
        return not thread.is_alive() and not errors

    def progress(n, stage):
        if stage == "imported":
            seen.append((n, connection.in_atomic_block, Address.objects.count(),
                         other_writer(n)))

    from places.csvfiles import ADDRESS_COLUMNS, ADDRESS_REQUIRED, csv_rows

    def rows():
        with path.open("rb") as file:
            yield from csv_rows(file, columns=ADDRESS_COLUMNS, required=ADDRESS_REQUIRED)

    result = address_import(rows=rows, batch_size=10, progress=progress)
    assert (result.created, result.refused) == (52, [])
    assert [n for n, *_ in seen] == [10, 20, 30, 40, 50]
    # Between batches no transaction is open, the batches so far are in, and a writer of
    # another table gets in at once.
    assert all(not in_transaction for _, in_transaction, _, _ in seen)
    assert [count for *_, count, _ in seen] == [10, 20, 30, 40, 50]
    assert all(wrote for *_, wrote in seen)
    assert Region.objects.filter(code__startswith="W").count() == 5
