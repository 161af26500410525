"""Visits to emergency departments as the hospitals report them (*akutbesök*), for measure 6:
`personal_identity_number,arrived_at,admitted,hospital[,region]` (region: the reporting
hospital's region code, optional; measure 6's coverage is per region). A visit is one person's
arrival (the number's key, core.identity_numbers.pin_key, and the time): a visit already kept
is updated (admitted, hospital, region) or left unchanged. The number itself is not kept,
and a refused line's words never repeat it."""

from collections.abc import Callable
from typing import BinaryIO

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.identity_numbers import pin_checksum_ok, pin_is_valid, pin_key
from crews.models import Region

from ..models import HospitalVisit, ImportKind, ImportRun
from .reading import (
    Errors,
    ImportRefused,
    RowError,
    file_sha256,
    rows_parsed,
    time_value,
    yes_no,
)

VISIT_COLUMNS = ("personal_identity_number", "arrived_at", "admitted", "hospital")
OPTIONAL_COLUMNS = ("region",)
BATCH = 2000


def _region(code: str, regions: dict[str, Region]) -> Region | None:
    if not code:
        return None
    found = regions.get(code.upper())
    if found is None:
        raise RowError(_("region %(code)s is not a region code; use one of %(codes)s, or leave "
                         "it empty for a visit that counts for every region.")
                       % {"code": code[:20], "codes": ", ".join(sorted(regions))})
    return found


def _parse(row: dict, regions: dict[str, Region]) -> HospitalVisit:
    number = row["personal_identity_number"]
    if not number:
        raise RowError(_("personal_identity_number is empty."))
    if not pin_is_valid(number):
        raise RowError(_("personal_identity_number is not written as YYYYMMDD-NNNN (or "
                         "YYMMDD-NNNN)."))
    if not pin_checksum_ok(number):
        raise RowError(_("personal_identity_number fails its check digit (the last digit): "
                         "check the number for a typing error."))
    arrived_at = time_value(row["arrived_at"], column="arrived_at")
    if arrived_at is None:
        raise RowError(_("arrived_at is empty."))
    admitted = yes_no(row["admitted"], column="admitted")
    if admitted is None:
        raise RowError(_("admitted is empty: write yes or no."))
    if len(row["hospital"]) > 120:
        raise RowError(_("hospital is longer than 120 characters."))
    return HospitalVisit(person_key=pin_key(number), arrived_at=arrived_at, admitted=admitted,
                         hospital=row["hospital"], region=_region(row["region"], regions))


def _flush(pending: list[HospitalVisit], run: ImportRun) -> None:
    # Chunks of 200 conditions: SQLite parses a long OR as a deep tree.
    kept = {}
    for i in range(0, len(pending), 200):
        q = Q()
        for visit in pending[i:i + 200]:
            q |= Q(person_key=visit.person_key, arrived_at=visit.arrived_at)
        kept.update({(v.person_key, v.arrived_at): v for v in HospitalVisit.objects.filter(q)})
    new, changed = [], []
    for visit in pending:
        old = kept.get((visit.person_key, visit.arrived_at))
        if old is None:
            visit.import_run = run
            new.append(visit)
        elif (old.admitted, old.hospital, old.region_id) != (visit.admitted, visit.hospital,
                                                             visit.region_id):
            old.admitted, old.hospital, old.region = visit.admitted, visit.hospital, visit.region
            old.import_run = run
            changed.append(old)
        else:
            run.unchanged += 1
    HospitalVisit.objects.bulk_create(new, batch_size=BATCH)
    HospitalVisit.objects.bulk_update(changed, ["admitted", "hospital", "region", "import_run"],
                                      batch_size=BATCH)
    run.created += len(new)
    run.updated += len(changed)
    pending.clear()


def hospital_visits_import(*, file: BinaryIO, file_name: str, by,
                           progress: Callable[[int], None] | None = None) -> ImportRun:
    """Import hospital visits. Every refused line is in the run's errors; a file without the
    documented header raises ImportRefused (the run is kept, nothing imported)."""
    run = ImportRun(kind=ImportKind.HOSPITAL_VISITS, file_name=file_name[:200], by=by,
                    at=timezone.now(), sha256=file_sha256(file))
    errors, seen, pending = Errors(), {}, []
    try:
        with transaction.atomic():
            run.save()  # the visits name the run that brought them
            regions = {r.code.upper(): r for r in Region.objects.all()}
            for line, visit in rows_parsed(file, columns=VISIT_COLUMNS, run=run, errors=errors,
                                           progress=progress, optional=OPTIONAL_COLUMNS,
                                           parse=lambda row: _parse(row, regions)):
                key = (visit.person_key, visit.arrived_at)
                if key in seen:
                    errors.add(line, _("The same person's arrival at the same time is already "
                                       "on line %(first)s of this file.") % {"first": seen[key]})
                    continue
                seen[key] = line
                pending.append(visit)
                if len(pending) >= BATCH:
                    _flush(pending, run)
            if pending:
                _flush(pending, run)
    except ImportRefused as exc:
        run.pk = None
        run.rows = run.created = run.updated = run.unchanged = 0
        run.errors, run.refused = [{"line": 1, "message": exc.message}], 1
        run.save()
        raise
    run.errors = errors.kept()
    run.refused = errors.count
    run.save()
    return run
