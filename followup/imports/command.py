"""What `manage.py import_calls` and `import_hospital_visits` share: open the file, show
progress every 10,000 rows, list the refused lines, end with one line of figures. Refused
lines are no failure (exit 0); a file refused as a whole is (CommandError, exit 1)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from .reading import ImportRefused


class ImportCommand(BaseCommand):
    action = None  # the import function (staticmethod)

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8; comma or semicolon separated).")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")

        def progress(rows: int) -> None:
            self.stdout.write(f"{rows:,} rows read…")
            self.stdout.flush()

        try:
            with path.open("rb") as file:
                run = self.action(file=file, file_name=path.name, by=None, progress=progress)
        except ImportRefused as exc:
            raise CommandError(exc.message) from None
        for error in run.errors:
            where = f"line {error['line']}" if error["line"] is not None else "and"
            self.stdout.write(f"{where}: {error['message']}")
        self.stdout.write(self.style.SUCCESS(
            f"{path.name}: {run.rows} rows, {run.created} created, {run.updated} updated, "
            f"{run.unchanged} unchanged, {run.refused:,} refused (import run {run.pk})."))
