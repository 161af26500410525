"""Reading an import's CSV file: UTF-8 (a byte order mark is fine), comma or semicolon
separated (taken from the header line), the documented header, rows streamed with their line
numbers; and the values' formats (times, yes/no) with the words a refused line gets."""

import codecs
import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.admin import IDENTITY_NUMBER
from core.errors import Invalid

_SAMPLE = 64 * 1024
# Kept in the run: beyond this many, the count of the others is the last entry.
MAX_ERRORS_KEPT = 10_000
YES = {"yes", "ja", "1", "true", "y", "j"}
NO = {"no", "nej", "0", "false", "n"}
# The first year an imported time may have (the year after this one is the last).
FIRST_YEAR = 2000


class ImportRefused(Invalid):
    """The file as a whole is refused (not text, not the documented header): nothing is
    imported."""


class RowError(ValueError):
    """A value a line is refused for; its text is the words the line gets."""


def file_sha256(file: BinaryIO) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _text(file: BinaryIO) -> io.TextIOWrapper:
    head = file.read(_SAMPLE)
    if b"\x00" in head:
        raise ImportRefused(_("This is not a CSV file (it holds binary data). Nothing was "
                              "imported."))
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        raise ImportRefused(_("This is not a UTF-8 text file: save the CSV as UTF-8. Nothing "
                              "was imported.")) from None
    file.seek(0)
    return io.TextIOWrapper(file, encoding="utf-8-sig", newline="")


def csv_rows(file: BinaryIO, *, columns: tuple[str, ...],
             optional: tuple[str, ...] = ()) -> Iterator[tuple[int, dict]]:
    """(line number, {column: value stripped}) per data line; the header is line 1 and must
    name exactly `columns` (any order, any case), and may name the `optional` ones (""
    when absent)."""
    text = _text(file)
    first = text.readline()
    expected = ",".join(columns)
    if not first.strip():
        raise ImportRefused(_("The file is empty: the first line must be the header %(header)s. "
                              "Nothing was imported.") % {"header": expected})
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = [h.strip().lower() for h in next(csv.reader([first], delimiter=delimiter))]
    missing = [c for c in columns if c not in header]
    unknown = [h for h in header if h not in columns and h not in optional]
    if missing or unknown or len(set(header)) != len(header):
        said = []
        if missing:
            said.append(_("missing: %(names)s") % {"names": ", ".join(missing)})
        if unknown:
            said.append(_("not expected: %(names)s") % {"names": ", ".join(unknown)})
        if not said:
            said.append(_("a column is named twice"))
        raise ImportRefused(_("The header must be %(header)s (comma or semicolon separated); "
                              "this file's header has %(what)s. Nothing was imported.")
                            % {"header": expected, "what": "; ".join(said)})
    reader = csv.reader(text, delimiter=delimiter)
    line = 1
    try:
        for record in reader:
            line = reader.line_num + 1
            if not any(v.strip() for v in record):
                continue
            if len(record) != len(header):
                yield line, {"__width__": len(record)}
                continue
            yield line, {**dict.fromkeys(optional, ""),
                         **{name: value.strip() for name, value in zip(header, record,
                                                                       strict=True)}}
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ImportRefused(_("Line %(line)s is not readable CSV text (%(error)s). Nothing was "
                              "imported.") % {"line": line + 1, "error": exc}) from None


def rows_parsed(file: BinaryIO, *, columns: tuple[str, ...], parse: Callable[[dict], object],
                run, errors: "Errors", progress: Callable[[int], None] | None = None,
                optional: tuple[str, ...] = ()) -> Iterator[tuple[int, object]]:
    """(line, parse(row)) for every line of the file that parses: each line counted on the
    run (progress every 10,000), a line of the wrong width or refused by `parse` (RowError)
    kept in `errors` instead. Both importers read their files through it."""
    for line, row in csv_rows(file, columns=columns, optional=optional):
        run.rows += 1
        if progress and run.rows % 10_000 == 0:
            progress(run.rows)
        if message := width_error(row, columns):
            errors.add(line, message)
            continue
        try:
            parsed = parse(row)
        except RowError as exc:
            errors.add(line, str(exc))
            continue
        yield line, parsed


def width_error(row: dict, columns: tuple[str, ...]) -> str:
    if "__width__" not in row:
        return ""
    return _("The line has %(got)s values; the header has %(want)s columns (%(header)s).") % {
        "got": row["__width__"], "want": len(columns), "header": ",".join(columns)}


def time_value(text: str, *, column: str) -> datetime | None:
    """An ISO 8601 time with or without an offset ("2026-11-05T14:03:12+01:00",
    "2026-11-05 14:03:12"); without one, the centre's time zone (in the hour the clocks go
    back, the first of the two). "" is None."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        # In UTC: a local time in the hour the clocks go back (or forward) compares unequal
        # to the same moment in another zone (PEP 495), and a re-import must find it
        # unchanged.
        value = value.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: a time near year 1 or 9999
        raise RowError(_("%(column)s is not a time: write it as 2026-11-05 14:03:12 or "
                         "2026-11-05T14:03:12+01:00.") % {"column": column}) from None
    # A year outside these is a typing error (19121212-1212 reads as 1912-12-12 12:12).
    last_year = timezone.now().year + 1
    if not FIRST_YEAR <= timezone.localtime(value).year <= last_year:
        raise RowError(_("%(column)s is not a time between the years %(first)s and %(last)s.")
                       % {"column": column, "first": FIRST_YEAR, "last": last_year})
    return value


def yes_no(text: str, *, column: str) -> bool | None:
    """yes/no, ja/nej, 1/0, true/false (any case); "" is None."""
    folded = text.strip().lower()
    if not folded:
        return None
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise RowError(_("%(column)s is not yes or no: write yes/no, ja/nej, 1/0 or true/false.")
                   % {"column": column})


def masked(message: str) -> str:
    """The words without anything that looks like a personal identity number: the errors
    are shown by the API and the admin, which log no look-up."""
    return IDENTITY_NUMBER.sub(_("[identity number]"), message)


class Errors:
    """The refused lines of one run: every one counted, the first MAX_ERRORS_KEPT kept."""

    def __init__(self):
        self.items: list[dict] = []
        self.count = 0

    def add(self, line: int, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_ERRORS_KEPT:
            self.items.append({"line": line, "message": masked(message)})

    def kept(self) -> list[dict]:
        if self.count > len(self.items):
            return [*self.items, {"line": None, "message": _(
                "%(count)s more lines were refused (only the first %(kept)s are listed).")
                % {"count": self.count - len(self.items), "kept": len(self.items)}}]
        return self.items
