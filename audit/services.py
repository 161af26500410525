"""Writing the access log."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from .models import AccessAction, AccessLogEntry


@dataclass(frozen=True)
class PatientRef:
    """What the log needs of a record: whose it is, and which record."""

    patient: str
    case_ref: str
    object_type: str
    object_id: str


def access_log_write(
    *, user, refs: Iterable[PatientRef], action: str = AccessAction.READ, reason: str
) -> int:
    """Record that `user` did `action` on each record in `refs`. Returns the rows written."""
    entries = [
        AccessLogEntry(
            user=user if getattr(user, "pk", None) else None,
            username=getattr(user, "username", "") or "anonymous",
            role=getattr(user, "role", ""),
            patient=ref.patient,
            case_ref=ref.case_ref,
            care_unit=settings.CARE_UNIT_NAME,
            action=action,
            object_type=ref.object_type,
            object_id=ref.object_id,
            reason=reason[:200],
        )
        for ref in refs
    ]
    AccessLogEntry.objects.bulk_create(entries)
    return len(entries)
