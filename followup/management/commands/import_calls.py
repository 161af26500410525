"""`manage.py import_calls FILE`: the telephony system's call log (README, "The data the
measures need")."""

from followup.imports import calls_import
from followup.imports.command import ImportCommand


class Command(ImportCommand):
    help = "Import a call log CSV: call_id,line,prioritised,region,queued_at,answered_at,operator."
    action = staticmethod(calls_import)
