"""Import the address register from CSV (or, with --municipalities, the municipality → region
table): good rows imported or updated, bad rows listed with their line, a file that is not an
address CSV refused whole (nothing already imported is lost)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from places.csvfiles import (
    ADDRESS_COLUMNS,
    ADDRESS_REQUIRED,
    MUNICIPALITY_COLUMNS,
    MUNICIPALITY_REQUIRED,
    CsvRefused,
    csv_rows,
)
from places.services import (
    ImportResult,
    address_import,
    address_index_tidy,
    municipality_import,
)

# Refused rows listed one by one up to this many (all of them count in the summary).
LISTED_MAX = 100
# An import of this many rows tidies the search index after (places.services).
TIDY_AFTER = 10_000


def import_file(path: Path, *, municipalities: bool, stdout, progress_every: int = 0
                ) -> ImportResult:
    """Import one file; raises CommandError for a file refused as a whole."""
    def rows():
        """The file read afresh (address_import reads it twice: checked, then written)."""
        with path.open("rb") as file:
            yield from csv_rows(file, columns=ADDRESS_COLUMNS, required=ADDRESS_REQUIRED)

    try:
        if municipalities:
            with path.open("rb") as file:
                return municipality_import(rows=csv_rows(
                    file, columns=MUNICIPALITY_COLUMNS, required=MUNICIPALITY_REQUIRED))
        result = address_import(
            rows=rows, progress=(lambda n, stage: stdout.write(f"… {n:,} rows {stage}"))
            if progress_every else None)
        if result.created + result.updated >= TIDY_AFTER:
            address_index_tidy()
        return result
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}") from None
    except CsvRefused as exc:
        raise CommandError(f"{path}: {exc.message}") from None


def result_report(result: ImportResult, stdout, *, what: str = "rows") -> None:
    for line, reason in result.refused[:LISTED_MAX]:
        stdout.write(f"line {line}: {reason}")
    if len(result.refused) > LISTED_MAX:
        stdout.write(f"… and {len(result.refused) - LISTED_MAX:,} more refused lines")
    stdout.write(result.summary(what))


class Command(BaseCommand):
    help = ("Import addresses from a CSV file: street, number, letter, postcode, locality, "
            "municipality code, latitude, longitude (WGS84), with English or Swedish headers, "
            "or OpenAddresses' columns. --municipalities: the file is the municipality -> "
            "region table (code, name, region_code).")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--municipalities", action="store_true",
                            help="The file is the municipality -> region table.")

    def handle(self, *args, file: Path, municipalities: bool, **options):
        result = import_file(file, municipalities=municipalities, stdout=self.stdout,
                             progress_every=1)
        result_report(result, self.stdout,
                      what="municipalities" if municipalities else "rows")
