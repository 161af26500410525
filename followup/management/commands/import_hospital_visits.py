"""`manage.py import_hospital_visits FILE`: emergency department visits for measure 6 (README,
"The data the measures need")."""

from followup.imports import hospital_visits_import
from followup.imports.command import ImportCommand


class Command(ImportCommand):
    help = ("Import hospital visits CSV: personal_identity_number,arrived_at,admitted,"
            "hospital.")
    action = staticmethod(hospital_visits_import)
