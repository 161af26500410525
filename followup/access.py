"""What the access log records of the follow-up's personal data: a hospital visit (for
measure 6) names a person by the key of their personal identity number (core.identity_numbers.
pin_key, the ten digits; the visit keeps no more of the number), so that key is the patient of
its entries. Everything else in the follow-up is figures."""

from audit.services import PatientRef

from .models import HospitalVisit


def hospital_visit_ref(visit: HospitalVisit) -> PatientRef:
    return PatientRef(patient=visit.person_key, case_ref="", object_type="hospital_visit",
                      object_id=str(visit.pk))
