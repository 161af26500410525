"""Reading the address register's CSV files (Lantmäteriet's columns, OpenAddresses', English or
Swedish headers): the header mapped to our fields, the delimiter (, ; or tab) taken from the
header line, UTF-8 with or without a byte order mark. A file that is not text, has no header we
know or lacks a column is refused (`CsvRefused`) before a row is read."""

import codecs
import csv
import io
from collections.abc import Iterator
from typing import BinaryIO

from core.errors import Invalid

from .search import text_fold

# field -> header names accepted (folded, without spaces, "_", "-" or "/"); any case.
ADDRESS_COLUMNS: dict[str, tuple[str, ...]] = {
    "street": ("street", "streetname", "gatunamn", "gata", "adressomrade", "adressomradesnamn",
               "gatunamnadressomrade", "adressomradegatunamn", "vag", "vagnamn", "gatenavn",
               "adressenavn", "road"),
    "number": ("number", "housenumber", "nummer", "adressnummer", "husnummer", "gatunummer",
               "nr", "adresseplassnummer", "husnr"),
    "letter": ("letter", "bokstav", "adressbokstav", "litera", "bokstavstillagg", "unit",
               "bokstav_tillegg", "bokstavtillegg"),
    "postcode": ("postcode", "postalcode", "zip", "postnummer", "postnr"),
    "locality": ("locality", "city", "postort", "ort", "ortnamn", "poststed", "town"),
    "municipality_code": ("municipalitycode", "municipality", "kommunkod", "kommun",
                          "kommunnummer", "kommunenummer", "kommunenr", "district",
                          "region"),
    "latitude": ("latitude", "lat", "latitud", "breddgrad"),
    "longitude": ("longitude", "lon", "lng", "long", "longitud", "langdgrad"),
}
ADDRESS_REQUIRED = ("street", "number", "municipality_code", "latitude", "longitude")
MUNICIPALITY_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code", "kommunkod", "municipalitycode", "kod", "kommunenummer"),
    "name": ("name", "namn", "kommun", "kommunnamn", "municipality", "navn"),
    "region_code": ("regioncode", "region", "regionkod"),
}
MUNICIPALITY_REQUIRED = ("code", "name", "region_code")
_SAMPLE = 64 * 1024


class CsvRefused(Invalid):
    """The file as a whole is refused: nothing is imported."""


def _header_key(name: str) -> str:
    return text_fold(name).replace(" ", "")


def _columns_map(header: list[str], columns: dict[str, tuple[str, ...]],
                 required: tuple[str, ...]) -> dict[str, list[int]]:
    """field -> the header's column indexes naming it (several for OpenAddresses' DISTRICT
    and REGION, either of which may hold the municipality)."""
    found: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        key = _header_key(name)
        for field, names in columns.items():
            if key in {_header_key(n) for n in names}:
                found.setdefault(field, []).append(index)
                break
    if not found:
        raise CsvRefused(
            "The first line names none of the columns expected (e.g. "
            f"{', '.join(required)}): this is not an address CSV file with a header.")
    missing = [f for f in required if f not in found]
    if missing:
        accepted = "; ".join(f"{f}: {', '.join(columns[f][:4])}" for f in missing)
        raise CsvRefused(f"The file lacks the column(s) {', '.join(missing)} "
                         f"(headers accepted: {accepted}). Nothing was imported.")
    return found


def _text(file: BinaryIO) -> io.TextIOWrapper:
    head = file.read(_SAMPLE)
    if b"\x00" in head:
        raise CsvRefused("This is not a CSV file (it holds binary data). Nothing was imported.")
    try:
        # An incremental decoder: a character cut at the sample's end is no error.
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        raise CsvRefused("This is not a UTF-8 text file (save the CSV as UTF-8). "
                         "Nothing was imported.") from None
    file.seek(0)
    return io.TextIOWrapper(file, encoding="utf-8-sig", newline="")


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def csv_rows(file: BinaryIO, *, columns: dict[str, tuple[str, ...]],
             required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, list[str]]]]:
    """(line number, {field: [values]}) per data row; the header is line 1. Reading on
    raises CsvRefused for a file that stops being UTF-8 text or CSV part-way."""
    text = _text(file)
    first = text.readline()
    if not first.strip():
        raise CsvRefused("The file is empty: no header line. Nothing was imported.")
    delimiter = _delimiter(first)
    header = next(csv.reader([first], delimiter=delimiter))
    mapping = _columns_map(header, columns, required)
    reader = csv.reader(text, delimiter=delimiter)
    line = 1
    try:
        for record in reader:
            line = reader.line_num + 1
            if not any(v.strip() for v in record):
                continue
            yield line, {f: [record[i].strip() if i < len(record) else "" for i in indexes]
                         for f, indexes in mapping.items()}
    except (UnicodeDecodeError, csv.Error) as exc:
        raise CsvRefused(f"Line {line + 1} is not readable CSV text ({exc}). "
                         "Nothing was imported.") from None
