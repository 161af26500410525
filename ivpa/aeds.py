"""Import of the defibrillator register (*hjärtstartarregistret*) from CSV.

The file: UTF-8, a header row, comma- or semicolon-separated (read from the header row), with
the columns id, name, latitude, longitude, location, address, access_code, opening_hours and
optionally active; Swedish headers are understood too (namn, lat, lon/lng, plats, adress, kod,
öppettider, aktiv, ...). Numbers may have a decimal comma (59,6112), as Swedish spreadsheets
write them.

Each row is checked on its own: a bad row is reported with its line number and what to fix,
the good rows are imported (created, or updated by their id). Opening hours must be readable
by `core.hours`: an unreadable or empty cell is refused rather than taken for "always open".
The whole file is imported in one transaction. A file above 5 MB or 20,000 rows, or without
the required columns, is refused as a whole (`core.errors.Invalid`).

Defibrillators missing from the file are left as they are, unless `deactivate_missing` is
asked for (a complete register export): then they are marked inactive, never deleted, since
past alerts refer to them.
"""

import csv
import io
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import hours
from core.errors import Invalid

from . import geo
from .models import Aed

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
CHUNK = 500  # ids per IN (...) query: well under SQLite's variable limit

FIELDS = ("external_id", "name", "latitude", "longitude", "location", "address", "access_code",
          "opening_hours", "active")
REQUIRED = ("external_id", "name", "latitude", "longitude", "opening_hours")
# Header (lower case, spaces/hyphens as "_") -> field.
ALIASES = {
    "external_id": ["id", "external_id", "extern_id", "aed_id", "hjartstartare_id",
                    "hjärtstartare_id", "hjärtstartar_id", "registernummer", "nummer", "nr"],
    "name": ["name", "namn", "benämning", "benamning", "titel"],
    "latitude": ["latitude", "lat", "latitud"],
    "longitude": ["longitude", "lon", "lng", "long", "longitud"],
    "location": ["location", "plats", "placering", "var", "position_beskrivning"],
    "address": ["address", "adress", "gatuadress", "besöksadress", "besoksadress"],
    "access_code": ["access_code", "code", "kod", "dörrkod", "dorrkod", "portkod",
                    "åtkomstkod", "atkomstkod", "skåpkod", "skapkod"],
    "opening_hours": ["opening_hours", "hours", "öppettider", "oppettider", "öppet", "oppet",
                      "tillgänglighet", "tillganglighet"],
    "active": ["active", "aktiv", "i_drift"],
}
HEADER_TO_FIELD = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
MAX_LENGTH = {f.name: f.max_length for f in Aed._meta.get_fields()
              if getattr(f, "max_length", None) and f.name in FIELDS}
YES = {"", "1", "true", "yes", "ja", "j", "y", "x", "aktiv", "active", "sant"}
NO = {"0", "false", "no", "nej", "n", "inaktiv", "inactive", "falskt", "ur drift"}


@dataclass
class AedImport:
    """What an import did. errors: (line number in the file, what to fix)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.rows} rows: {self.created} created, {self.updated} updated, "
                f"{self.unchanged} unchanged, {self.deactivated} deactivated, "
                f"{len(self.errors)} refused")


def _normalise_header(text: str) -> str:
    return "_".join(text.strip().strip("\ufeff").strip().lower().replace("-", " ").split())


def _delimiter(header_line: str) -> str:
    """The header row decides: whichever of ';' and ',' separates more of it."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    unknown = []
    for index, raw in enumerate(header):
        name = HEADER_TO_FIELD.get(_normalise_header(raw))
        if name is None:
            if raw.strip():
                unknown.append(raw.strip())
            continue
        if name in columns:
            raise Invalid(_("Line 1: two columns mean %(field)s (%(first)s and %(second)s); "
                            "remove one.") % {"field": name, "first": header[columns[name]],
                                              "second": raw})
        columns[name] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise Invalid(
            _("Line 1: the header lacks the column(s) %(missing)s. Expected a header row "
              "with id, name, latitude, longitude, location, address, access_code, "
              "opening_hours (and optionally active); found: %(found)s.")
            % {"missing": ", ".join(missing), "found": ", ".join(h.strip() for h in header)})
    if unknown:
        logger.info("AED import: columns ignored: %s", ", ".join(unknown))
    return columns


def _number(text: str, label: str, low: float, high: float) -> float:
    value = text.strip().replace(",", ".").replace("\u2212", "-")
    if not value:
        raise ValueError(_("%(label)s is empty.") % {"label": label})
    try:
        number = float(value)
    except ValueError:
        raise ValueError(_("%(label)s %(value)s is not a number in decimal degrees "
                           "(e.g. 59.6112).") % {"label": label, "value": text.strip()}) from None
    if number != number or not low <= number <= high:  # NaN, or out of range
        raise ValueError(_("%(label)s %(value)s is out of range (%(low)s to %(high)s).")
                         % {"label": label, "value": text.strip(), "low": low, "high": high})
    return number


def _row(cells: list[str], columns: dict[str, int]) -> dict:
    """The row's fields, or ValueError with what to fix."""
    values = {name: (cells[index].strip() if index < len(cells) else "")
              for name, index in columns.items()}
    if not values["external_id"]:
        raise ValueError(_("The id is empty; every defibrillator needs the register's id."))
    if not values["name"]:
        raise ValueError(_("The name is empty."))
    latitude = _number(values["latitude"], _("Latitude"), -90, 90)
    longitude = _number(values["longitude"], _("Longitude"), -180, 180)
    if 54 <= longitude <= 70 and 10 <= latitude <= 25:
        raise ValueError(_("Latitude %(lat)s and longitude %(lon)s look swapped (Sweden is at "
                           "latitude 55-69, longitude 10-25).")
                         % {"lat": values["latitude"], "lon": values["longitude"]})
    if not values["opening_hours"]:
        raise ValueError(_("Opening hours are empty; write '24/7' if it is always reachable, "
                           "else e.g. 'Mo-Fr 07:00-18:00; Sa 10:00-14:00'."))
    try:
        hours.parse(values["opening_hours"])
    except (hours.HoursError, ValueError) as exc:
        raise ValueError(_("Opening hours %(hours)s cannot be read (%(reason)s); write e.g. "
                           "'24/7' or 'Mo-Fr 07:00-18:00; Sa,Su 10:00-14:00'.")
                         % {"hours": values["opening_hours"], "reason": exc}) from None
    active_text = values.get("active", "").lower()
    if active_text in YES:
        active = True
    elif active_text in NO:
        active = False
    else:
        raise ValueError(_("Active %(value)s is neither yes nor no (ja/nej, 1/0, true/false).")
                         % {"value": values["active"]})
    for name, limit in MAX_LENGTH.items():
        if len(values.get(name, "")) > limit:
            raise ValueError(_("%(field)s is longer than %(limit)s characters.")
                             % {"field": name, "limit": limit})
    return {
        "external_id": values["external_id"], "name": values["name"],
        "latitude": latitude, "longitude": longitude,
        "location": values.get("location", ""), "address": values.get("address", ""),
        "access_code": values.get("access_code", ""),
        "opening_hours": values["opening_hours"], "active": active,
        "cell": geo.cell_of(latitude, longitude),
    }


def _records(text: str):
    """(line number where the record starts, cells) for each non-empty data row, after the
    header: (delimiter, header cells)."""
    text = text.lstrip("\ufeff")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise Invalid(_("The file is empty; expected a header row and one row per "
                        "defibrillator."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line),
                        skipinitialspace=True)
    header = None
    previous_end = 0
    for cells in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = cells
            yield start, header
            continue
        yield start, cells


def aeds_import(*, text: str, by=None, deactivate_missing: bool = False) -> AedImport:
    """Import the register; see the module's docstring."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise Invalid(_("The file is larger than 5 MB; split the register into several "
                        "files (each row is matched by its id, so the order does not matter)."))
    try:
        records = list(_records(text))
    except csv.Error as exc:
        raise Invalid(_("The file cannot be read as CSV: %(reason)s.") % {"reason": exc}) \
            from None
    if not records:
        raise Invalid(_("The file is empty; expected a header row and one row per "
                        "defibrillator."))
    _line, header = records[0]
    rows = records[1:]
    if len(rows) > MAX_ROWS:
        raise Invalid(_("The file has %(rows)s rows; at most %(max)s are imported at a time. "
                        "Split the register into several files.")
                      % {"rows": len(rows), "max": f"{MAX_ROWS:,}".replace(",", " ")})
    columns = _columns(header)
    result = AedImport(rows=len(rows))
    good: dict[str, tuple[int, dict]] = {}
    seen_ids: set[str] = set()
    for line, cells in rows:
        if len(cells) > len(header):
            result.errors.append((line, _(
                "%(found)s fields where the header has %(expected)s; a value containing the "
                "separator must be in double quotes.") % {"found": len(cells),
                                                          "expected": len(header)}))
            continue
        try:
            values = _row(cells, columns)
        except ValueError as exc:
            result.errors.append((line, str(exc)))
            continue
        external_id = values["external_id"]
        seen_ids.add(external_id)
        if external_id in good:
            result.errors.append((line, _(
                "The id %(id)s is already on line %(line)s; each defibrillator once.")
                % {"id": external_id, "line": good[external_id][0]}))
            continue
        good[external_id] = (line, values)
    # Ids of refused rows count as present: a row with a typo does not deactivate its AED.
    for _start, cells in rows:
        external_id = cells[columns["external_id"]].strip() \
            if columns["external_id"] < len(cells) else ""
        if external_id:
            seen_ids.add(external_id)

    now = timezone.now()
    with transaction.atomic():
        ids = list(good)
        existing: dict[str, Aed] = {}
        for i in range(0, len(ids), CHUNK):
            existing.update({aed.external_id: aed for aed in Aed.objects.select_for_update()
                             .filter(external_id__in=ids[i:i + CHUNK])})
        new, changed = [], []
        for external_id, (_line, values) in good.items():
            aed = existing.get(external_id)
            if aed is None:
                new.append(Aed(**values, updated_at=now))
                continue
            if all(getattr(aed, name) == value for name, value in values.items()):
                result.unchanged += 1
                continue
            if aed.active and not values["active"]:
                result.deactivated += 1
            for name, value in values.items():
                setattr(aed, name, value)
            aed.updated_at = now
            changed.append(aed)
        Aed.objects.bulk_create(new, batch_size=CHUNK)
        Aed.objects.bulk_update(changed, [*(f for f in FIELDS if f != "external_id"), "cell",
                                          "updated_at"], batch_size=CHUNK)
        result.created, result.updated = len(new), len(changed)
        if deactivate_missing:
            result.deactivated += _deactivate_missing(seen_ids, now)
    logger.info("AED register imported by %s: %s", by or "system", result.summary())
    return result


def _deactivate_missing(seen_ids: set[str], now) -> int:
    """Deactivate the active AEDs whose id is not in `seen_ids` (no NOT IN of 20,000 ids:
    SQLite's variable limit)."""
    missing = [pk for pk, external_id in Aed.objects.filter(active=True)
               .values_list("pk", "external_id") if external_id not in seen_ids]
    for i in range(0, len(missing), CHUNK):
        Aed.objects.filter(pk__in=missing[i:i + CHUNK]).update(active=False, updated_at=now)
    return len(missing)
