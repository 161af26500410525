"""Imports of the data the measures need (*import*): the telephony system's call log and the
hospitals' emergency department visits, as CSV files. Each run is kept (followup.ImportRun)
with every refused line; good lines are imported, and a re-import of a file changes nothing."""

from .calls import CALL_COLUMNS, calls_import  # noqa: F401
from .hospital_visits import VISIT_COLUMNS, hospital_visits_import  # noqa: F401
from .reading import ImportRefused  # noqa: F401
