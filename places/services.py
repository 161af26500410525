"""Changes to the address register and the municipality → region table: the imports
(`manage.py import_addresses`, the demo's seed) and a municipality's name or region.

An address import reads its file twice: first whole without writing (a file that turns out
unreadable part-way leaves the register as it was), then it writes in batches of BATCH_SIZE
rows, each its own short transaction, so that on the embedded SQLite database another writer
(a case's registration) waits at most one batch, not the whole import. Good rows are inserted
or updated (upsert on the natural key, municipality + street + number + letter), bad rows are
refused with their line numbers.
"""

import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from crews.models import Region

from .models import Address, Hospital, Municipality, hospital_capabilities_clean
from .search import address_fold, municipality_folds, number_split

# Sweden's and Norway's bounding boxes together (no polygon: a row in Finland or the sea
# within them passes).
LATITUDE_RANGE = (54.9, 71.5)
LONGITUDE_RANGE = (4.0, 31.5)
BATCH_SIZE = 2000
_POSTCODE_SE = re.compile(r"^(\d{3})\s?(\d{2})$")
_LETTER = re.compile(r"^[A-Za-zÅÄÖåäö]{1,2}$")
# The natural key (Address' unique constraint); the postcode is an attribute, so a renumbered
# postcode updates the address.
_KEY = ("municipality", "street", "number", "letter")


@dataclass
class ImportResult:
    """What an import did: rows new and updated, rows refused as (line, reason)."""

    created: int = 0
    updated: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self, what: str = "rows") -> str:
        lines = ", ".join(str(line) for line, _ in self.refused[:10])
        if len(self.refused) > 10:
            lines += f", … {len(self.refused) - 10} more"
        refused = f"refused {len(self.refused):,} {what}" + (f" (lines {lines})" if lines
                                                             else "")
        return (f"imported {self.created:,} new, updated {self.updated:,}, {refused} "
                f"in {self.seconds:.1f} s")


def _first(values: dict[str, list[str]], name: str) -> str:
    return next((v for v in values.get(name, []) if v), "")


def _postcode(value: str) -> str:
    match = _POSTCODE_SE.match(value.strip())
    return f"{match.group(1)} {match.group(2)}" if match else value.strip()


def _position(values) -> tuple[float, float] | str:
    try:
        latitude = float(_first(values, "latitude").replace(",", "."))
        longitude = float(_first(values, "longitude").replace(",", "."))
    except ValueError:
        return "latitude/longitude is not a number"
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return "latitude/longitude is not a number"
    if not (LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1]
            and LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]):
        return (f"position {latitude}, {longitude} is outside Sweden and Norway "
                f"(latitude {LATITUDE_RANGE[0]}–{LATITUDE_RANGE[1]}, longitude "
                f"{LONGITUDE_RANGE[0]}–{LONGITUDE_RANGE[1]})")
    return latitude, longitude


class _Municipalities:
    """The municipality of a row: by code (SCB's four digits; a three-digit Norwegian code
    padded) or, for OpenAddresses' DISTRICT/REGION, by name."""

    def __init__(self):
        everything = list(Municipality.objects.order_by("-code"))
        self.by_code = {m.code: m for m in everything}
        # As places.selectors.municipality_by_name finds them (lowest code for a shared name).
        self.by_name = {m.folded_name: m for m in everything}

    def find(self, candidates: list[str]) -> Municipality | None:
        for value in candidates:
            value = value.strip()
            if not value:
                continue
            if value.isdigit() and value.zfill(4) in self.by_code:
                return self.by_code[value.zfill(4)]
            for name in municipality_folds(value):
                if name in self.by_name:
                    return self.by_name[name]
        return None


def _address(values, municipalities: _Municipalities) -> Address | str:
    """An Address (unsaved) from a row's values, or the reason it is refused."""
    street = " ".join(_first(values, "street").split())
    if not street:
        return "street is missing"
    number, letter = _first(values, "number"), _first(values, "letter")
    if not letter or not _LETTER.match(letter):
        number, letter = number_split(number)
    else:
        letter = letter.upper()
    postcode = _postcode(_first(values, "postcode"))
    locality = " ".join(_first(values, "locality").split())
    for name, value, most in (("street", street, 120), ("number", number, 10),
                              ("postcode", postcode, 10), ("locality", locality, 80)):
        if len(value) > most:
            return f"{name} is longer than {most} characters"
    municipality = municipalities.find(values.get("municipality_code", []))
    if municipality is None:
        codes = ", ".join(v for v in values.get("municipality_code", []) if v) or "none"
        return f"unknown municipality code ({codes})"
    position = _position(values)
    if isinstance(position, str):
        return position
    return Address(street=street, number=number, letter=letter, postcode=postcode,
                   locality=locality, municipality=municipality, latitude=position[0],
                   longitude=position[1],
                   folded=address_fold(street=street, locality=locality,
                                       municipality=municipality.name))


def _upsert(batch: dict[tuple, Address]) -> None:
    Address.objects.bulk_create(
        list(batch.values()), update_conflicts=True, unique_fields=list(_KEY),
        update_fields=["postcode", "locality", "latitude", "longitude", "folded"])


Rows = Iterable[tuple[int, dict[str, list[str]]]]


def address_import(*, rows: Callable[[], Rows] | Rows, batch_size: int = BATCH_SIZE,
                   progress: Callable[[int, str], None] | None = None) -> ImportResult:
    """Import address rows ((line, {field: [values]}) as places.csvfiles reads them): insert
    the new, update the known (same municipality, street, number, letter), refuse the bad
    with their line. `rows` is a function that reads them afresh (called twice: the whole
    file is read before anything is written, so one unreadable part-way (CsvRefused) imports
    nothing), or rows already in memory. Written in short per-batch transactions;
    `progress(rows, "checked" | "imported")` between batches."""
    started = time.monotonic()
    result = ImportResult()
    if callable(rows):
        for count, _ in enumerate(rows(), start=1):
            if progress and count % (batch_size * 10) == 0:
                progress(count, "checked")
        rows = rows()
    municipalities = _Municipalities()
    before = Address.objects.count()
    good = 0
    batch: dict[tuple, Address] = {}
    for count, (line, values) in enumerate(rows, start=1):
        address = _address(values, municipalities)
        if isinstance(address, str):
            result.refused.append((line, address))
        else:
            good += 1
            batch[(address.municipality.pk, address.street, address.number,
                   address.letter)] = address
        if len(batch) >= batch_size:
            with transaction.atomic():
                _upsert(batch)
            batch = {}
        if progress and count % batch_size == 0:
            progress(count, "imported")
    if batch:
        with transaction.atomic():
            _upsert(batch)
    # Counted once at the end (a count per batch would cost more than the batch on a large
    # register); an import running alongside would blur the split, not the total.
    result.created = max(0, min(good, Address.objects.count() - before))
    result.updated = good - result.created
    result.seconds = time.monotonic() - started
    return result


def address_index_tidy() -> None:
    """After a large import: PostgreSQL's GIN index takes its pending list in and the planner
    its statistics (VACUUM ANALYZE, as autovacuum would later); SQLite's FTS5 index merges
    its segments. Searches are faster at once. Outside a transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM (ANALYZE) places_address")
        elif connection.vendor == "sqlite":
            cursor.execute("INSERT INTO places_address_fts(places_address_fts) "
                           "VALUES ('optimize')")
            cursor.execute("ANALYZE places_address")


def municipality_import(*, rows: Iterable[tuple[int, dict[str, list[str]]]]) -> ImportResult:
    """Import the municipality → region table (code, name, region code): new municipalities
    added, known ones renamed or moved to another region; an unknown region refuses the row."""
    started = time.monotonic()
    result = ImportResult()
    regions = {r.code.upper(): r for r in Region.objects.all()}
    with transaction.atomic():
        known = {m.code: m for m in Municipality.objects.all()}
        for line, values in rows:
            code, name = _first(values, "code"), " ".join(_first(values, "name").split())
            region = regions.get(_first(values, "region_code").upper())
            if not code.isdigit() or len(code) > 4 or not name or len(name) > 80:
                result.refused.append((line, "code (up to four digits) or name is missing"))
                continue
            if region is None:
                result.refused.append(
                    (line, f"unknown region code ({_first(values, 'region_code') or 'none'})"))
                continue
            code = code.zfill(4)
            municipality = known.get(code)
            if municipality is None:
                known[code] = Municipality.objects.create(code=code, name=name, region=region)
                result.created += 1
            elif municipality.name != name or municipality.region_id != region.pk:
                municipality_update(municipality=municipality, name=name, region=region)
                result.updated += 1
    result.seconds = time.monotonic() - started
    return result


def municipality_update(*, municipality: Municipality, name: str, region: Region) -> None:
    """Rename a municipality or move it to another region (an administrator's change: the
    region of every place in it follows). A new name is searched from now on."""
    renamed = municipality.name != name
    municipality.name, municipality.region = name, region
    municipality.save(update_fields=["name", "region"])
    if renamed:
        addresses_refold(municipality=municipality)


def addresses_refold(*, municipality: Municipality) -> None:
    """Recompute `folded` of a municipality's addresses (its name is one of their words):
    after the rename commits (at once outside a transaction), in batches of BATCH_SIZE each
    its own transaction, so a large municipality's rename in the admin does not hold the
    embedded database's write lock for all its addresses. One a killed process left half
    done is redone by `manage.py refold_addresses` (addresses_refold_all)."""
    transaction.on_commit(lambda: _addresses_refold_now(municipality))


def addresses_refold_all(*, progress: Callable[[Municipality, int], None] | None = None
                         ) -> tuple[int, int]:
    """Refold every municipality's addresses now (`manage.py refold_addresses`): redoes a
    refold a killed process left half done. Writes only rows whose `folded` is out of date;
    `progress(municipality, changed)` after each municipality. (changed, municipalities)."""
    changed = done = 0
    for municipality in Municipality.objects.order_by("code"):
        count = _addresses_refold_now(municipality)
        changed, done = changed + count, done + 1
        if progress:
            progress(municipality, count)
    return changed, done


def _addresses_refold_now(municipality: Municipality) -> int:
    name = Municipality.objects.filter(pk=municipality.pk).values_list("name", flat=True).first()
    if name is None:
        return 0
    last = changed = 0
    while True:
        batch = list(Address.objects.filter(municipality_id=municipality.pk, pk__gt=last)
                     .order_by("pk")[:BATCH_SIZE])
        if not batch:
            return changed
        stale = []
        for address in batch:
            folded = address_fold(street=address.street, locality=address.locality,
                                  municipality=name)
            if folded != address.folded:
                address.folded = folded
                stale.append(address)
        if stale:
            with transaction.atomic():
                Address.objects.bulk_update(stale, ["folded"])
        changed += len(stale)
        last = batch[-1].pk


def _hospital_fields(row: dict[str, str]) -> dict | str:
    try:
        municipality = Municipality.objects.get(code=row["municipality_code"].strip())
    except Municipality.DoesNotExist:
        return f"unknown municipality code {row['municipality_code']!r}"
    position = _position({"latitude": [row["latitude"]], "longitude": [row["longitude"]]})
    if isinstance(position, str):
        return position
    try:
        # "pci stroke trauma" (spaces, commas or semicolons between)
        capabilities = hospital_capabilities_clean(
            re.split(r"[\s,;]+", (row.get("capabilities") or "").strip().lower()) if
            (row.get("capabilities") or "").strip() else [])
    except ValidationError as error:
        return error.messages[0]
    return {"short_name": row.get("short_name", "").strip(),
            "address": row.get("address", "").strip(), "municipality": municipality,
            "latitude": position[0], "longitude": position[1],
            "emergency": row.get("emergency", "1").strip().lower() in ("1", "true", "yes", "ja"),
            "capabilities": capabilities}


@transaction.atomic
def hospitals_import(*, rows: Iterable[tuple[int, dict[str, str]]]) -> ImportResult:
    """Hospitals (*sjukhus*) by name: new ones created, known ones updated (an administrator's
    `active` is left as it is); a row with an unknown municipality or a bad position refused."""
    started = time.monotonic()
    result = ImportResult()
    for line, row in rows:
        name = row.get("name", "").strip()
        fields = _hospital_fields(row) if name else "no name"
        if isinstance(fields, str):
            result.refused.append((line, fields))
            continue
        _, created = Hospital.objects.update_or_create(name=name, defaults=fields)
        if created:
            result.created += 1
        else:
            result.updated += 1
    result.seconds = time.monotonic() - started
    return result
