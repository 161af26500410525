"""The follow-up's actions that change state, one module per part; re-exported here so that
callers write `services.x(...)`."""

from .feedback import (  # noqa: F401
    ReportNotFound,
    dispatcher_report_read,
    dispatcher_reports_make,
)
from .records import (  # noqa: F401
    deviation_followup_open,
    deviation_followup_update,
    target_check,
    target_delete,
    target_set,
)
