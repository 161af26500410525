"""Import the defibrillator register from a CSV file: `manage.py import_aeds register.csv`.

See ivpa/aeds.py for the columns. Prints what was created, updated and refused (with line
numbers); exits non-zero when the file as a whole is refused, or with --strict when any row is.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from ivpa.aeds import MAX_BYTES, aeds_import


class Command(BaseCommand):
    help = "Import the defibrillator (AED) register from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8, comma or semicolon, header row)")
        parser.add_argument("--deactivate-missing", action="store_true",
                            help="the file is the complete register: deactivate defibrillators "
                                 "not in it")
        parser.add_argument("--strict", action="store_true",
                            help="exit with status 1 when any row was refused")

    def handle(self, *args, file, deactivate_missing, strict, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path} is larger than 5 MB; split the register into several "
                               "files (rows are matched by id, so the order does not matter).")
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{path} is not UTF-8 (byte {exc.start}); save the CSV as UTF-8 "
                "(in Excel: 'CSV UTF-8').") from None
        try:
            result = aeds_import(text=text, deactivate_missing=deactivate_missing)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        for line, message in result.errors:
            self.stderr.write(f"{path.name}:{line}: {message}")
        style = self.style.WARNING if result.errors else self.style.SUCCESS
        self.stdout.write(style(f"{path.name}: {result.summary()}."))
        if strict and result.errors:
            raise CommandError(f"{len(result.errors)} rows refused (--strict).")
