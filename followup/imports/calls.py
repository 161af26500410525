"""The telephony system's call log as a CSV file (*samtalslogg*): one line per call,
`call_id,line,prioritised,region,queued_at,answered_at,operator`. Recorded through dispatch's
calls_record, so a call already known is updated or left unchanged, and the cases its answers
belong to are linked."""

from collections.abc import Callable
from typing import BinaryIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crews.models import Region
from dispatch.models import CallSource
from dispatch.services.calls import BATCH, CallRecord, calls_record

from ..models import ImportKind, ImportRun
from .reading import (
    Errors,
    ImportRefused,
    RowError,
    file_sha256,
    rows_parsed,
    time_value,
    yes_no,
)

CALL_COLUMNS = ("call_id", "line", "prioritised", "region", "queued_at", "answered_at",
                "operator")


def _operators(names: set[str]) -> dict:
    users = get_user_model().objects.filter(username__in=names)
    return {u.username: u for u in users}


def _parse(row: dict, regions: dict) -> dict:
    """The row's values, or RowError with the words for its first fault."""
    call_id = row["call_id"]
    if not call_id:
        raise RowError(_("call_id is empty."))
    queued_at = time_value(row["queued_at"], column="queued_at")
    answered_at = time_value(row["answered_at"], column="answered_at")
    if queued_at is None and answered_at is None:
        raise RowError(_("The line has neither queued_at nor answered_at."))
    region = None
    if row["region"]:
        region = regions.get(row["region"].upper())
        if region is None:
            raise RowError(_("region is not the code of a region of the centre (%(codes)s).")
                           % {"codes": ", ".join(sorted(regions))})
    return {"call_id": call_id, "queued_at": queued_at, "answered_at": answered_at,
            "line": row["line"] or None, "region": region,
            "prioritised": yes_no(row["prioritised"], column="prioritised"),
            "operator_name": row["operator"]}


def _flush(pending: list[tuple[int, dict]], run: ImportRun, errors: Errors) -> None:
    operators = _operators({p["operator_name"] for _line, p in pending if p["operator_name"]})
    records = [CallRecord(**{**p, "operator": operators.get(p["operator_name"])})
               for _line, p in pending]
    for (line, _p), result in zip(pending, calls_record(records=records,
                                                         source=CallSource.IMPORT), strict=True):
        if result.error:
            errors.add(line, result.error)
        else:
            setattr(run, result.outcome, getattr(run, result.outcome) + 1)
    pending.clear()


def calls_import(*, file: BinaryIO, file_name: str, by,
                 progress: Callable[[int], None] | None = None) -> ImportRun:
    """Import a call log (*samtalslogg*). Every refused line is in the run's errors; a file
    without the documented header raises ImportRefused (the run is kept, nothing imported)."""
    run = ImportRun(kind=ImportKind.CALLS, file_name=file_name[:200], by=by, at=timezone.now(),
                    sha256=file_sha256(file))
    regions = {r.code.upper(): r for r in Region.objects.all()}
    errors, seen, pending = Errors(), {}, []
    try:
        with transaction.atomic():
            for line, parsed in rows_parsed(file, columns=CALL_COLUMNS, run=run, errors=errors,
                                            progress=progress,
                                            parse=lambda row: _parse(row, regions)):
                if parsed["call_id"] in seen:
                    errors.add(line, _("call_id %(id)s is already on line %(first)s of this "
                                       "file.") % {"id": parsed["call_id"][:64],
                                                   "first": seen[parsed["call_id"]]})
                    continue
                seen[parsed["call_id"]] = line
                pending.append((line, parsed))
                if len(pending) >= BATCH:
                    _flush(pending, run, errors)
            if pending:
                _flush(pending, run, errors)
    except ImportRefused as exc:
        run.created = run.updated = run.unchanged = 0
        run.errors, run.refused = [{"line": 1, "message": exc.message}], 1
        run.save()
        raise
    run.errors = sorted(errors.kept(), key=lambda e: (e["line"] is None, e["line"] or 0))
    run.refused = errors.count
    run.save()
    return run
