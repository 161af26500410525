"""A table as a file to download: CSV (RFC 4180, UTF-8 with a byte-order mark so a spreadsheet
opens it as UTF-8) or XLSX (openpyxl). Text that a spreadsheet would run as a formula (=, +,
-, @ first) is written with an apostrophe first; numbers stay numbers."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

EXPORT_FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def table_response(*, name: str, headers: Sequence[str], rows: Iterable[Sequence],
                   format: str, sheet: str = "") -> HttpResponse:
    """`rows` as `name`.csv or `name`.xlsx under the column headings `headers` (words for a
    person, already translated). None is an empty cell."""
    if format not in EXPORT_FORMATS:
        raise ValueError(f"format is one of {', '.join(EXPORT_FORMATS)}")
    if format == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["" if v is None else _cell(v) for v in row])
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        page = book.create_sheet(title=(sheet or name)[:31])
        page.append(list(headers))
        for row in rows:
            page.append([_cell(v) for v in row])
        data = io.BytesIO()
        book.save(data)
        response = HttpResponse(data.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    return response
