"""The guard behind "every read of patient data is in the access log": an answer that shows
the test world's patient must have written an access log entry for that patient.

The world's cases are registered with `tests.conftest.case_payload` (Tolvan Tolvansson); its
caller image link and note carry their own markers. A route (or admin page) added later that
shows any of them without recording the access fails the tests that use `shown_unrecorded`:
tests/test_role_matrix.py (every API route × method × role) and tests/audit/test_admin_log.py
(every page of the Django admin).
"""

from audit.models import AccessLogEntry

PATIENT = "19121212-1212"  # the patient key the log records: the personal identity number
CALLER_PHONE = "+46709990011"  # the number the world's image link was texted to
IMAGE_NOTE = "Sår på vänster underarm"  # the dispatcher's note on the world's caller image
MARKERS = (PATIENT, "Tolvan Tolvansson", "Stora torget 1", CALLER_PHONE, IMAGE_NOTE)


def log_mark() -> int:
    """The newest entry's id now: entries written after it have greater ids."""
    return AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def patient_data_in(response) -> list[str]:
    """The markers of patient data `response` shows; an image is patient data by itself."""
    if response.get("Content-Type", "").startswith("image/"):
        return ["an image"]
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    text = body.decode("utf-8", errors="replace")
    return [marker for marker in MARKERS if marker in text]


def shown_unrecorded(response, *, since: int) -> list[str]:
    """The patient data a successful `response` shows although no access log entry for the
    patient was written after entry `since`; empty when all is well."""
    if not 200 <= response.status_code < 300:
        return []
    shown = patient_data_in(response)
    if shown and not AccessLogEntry.objects.filter(id__gt=since, patient=PATIENT).exists():
        return shown
    return []
