"""Demo data for care plans: a person with complex, recurring needs (fictional identity number
and a number from the fiction range), a care plan from Västerås mobila team due for review
within the month, and three earlier cases of the last year (transported, not transported,
referred). Run after seed_demo. Idempotent: the plan keeps its id and gets the demo's dates
and words again each run (relative to today); the earlier cases are made once."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from careplans import services
from careplans.models import CarePlan, ConsentMethod
from core.identity_numbers import pin_key
from crews.models import Region, Unit
from dispatch.models import Assignment, AssignmentStatus, Case, CaseStatus, CaseType, Priority

# A made-up person: the identity number passes the check digit but is no one's (birth date
# 1941-03-15, serial 980); the number is from the range set aside for fiction (PTS
# 070-1740605..699; dispatch's seed_demo uses the first ones).
PERSON_PIN = "19410315-9804"
PERSON_NAME = "Gunnel Demoberg"
PERSON_PHONE = "+46701740677"
TEAM_PHONE = "070-174 06 78"
CARE_UNIT = "Västerås mobila team"
ADDRESS = ("Vasagatan 30, Västerås", 59.6125, 16.5389)

DISPATCHER = (
    f"Ring Västerås mobila team först, dygnet runt: {TEAM_PHONE}. Vid andnöd utan feber eller "
    "ökad oro: skicka inte ambulans på prio 1 innan teamet kontaktats – teamet gör hembesök "
    "inom 2 timmar. Vid bröstsmärta, påverkat medvetande eller fall med skada: ambulans som "
    "vanligt. Dottern Lena (070-174 06 79) vill bli kontaktad vid transport.")
CREW = (
    "KOL med hemsyrgas 2 l/min: höj inte över 4 l/min. Läkemedelslista och vårdplan i pärmen "
    "på köksbordet. Vill helst vårdas hemma: kontakta mobila teamet "
    f"({TEAM_PHONE}) före transport om tillståndet inte är livshotande.")

# (days ago, priority, case type, complaint, outcome)
EARLIER = [
    (40, Priority.P2A, CaseType.BREATHING_DIFFICULTY, "Andnöd, KOL", "transported"),
    (95, Priority.P3, CaseType.OTHER, "Föll i hemmet, kan inte resa sig", "not_transported"),
    (200, Priority.REFERRAL, CaseType.OTHER, "Ökad andfåddhet, oro", "referred"),
]


class Command(BaseCommand):
    help = "Create the demo's care plan and its person's earlier cases (after seed_demo)."

    @transaction.atomic
    def handle(self, *args, **options):
        today = timezone.localdate()
        admin = User.objects.get(username="admin")
        values = {
            "personal_identity_number": PERSON_PIN, "person_name": PERSON_NAME,
            "care_unit": CARE_UNIT, "valid_from": today - timedelta(days=60),
            "valid_to": today + timedelta(days=300), "review_date": today + timedelta(days=20),
            "consent_recorded_by": "Eva Lind, sjuksköterska, Västerås mobila team",
            "consent_recorded_at": today - timedelta(days=61),
            "consent_method": ConsentMethod.WRITTEN, "dispatcher_instructions": DISPATCHER,
            "contact": f"Västerås mobila team, sjuksköterska i tjänst: {TEAM_PHONE}",
            "crew_instructions": CREW,
        }
        plan = CarePlan.objects.filter(pin_key=pin_key(PERSON_PIN), care_unit=CARE_UNIT).first()
        if plan is None:
            plan = services.care_plan_create(by=admin, phones=[PERSON_PHONE], **values)
        else:
            plan = services.care_plan_update(plan=plan, by=admin, phones=[PERSON_PHONE],
                                             **values)
        made = sum(self._earlier_case(n, *row) for n, row in enumerate(EARLIER, start=1))
        self.stdout.write(
            f"Care plan demo ready: {PERSON_NAME} ({PERSON_PIN}, {PERSON_PHONE}), plan "
            f"#{plan.pk} from {CARE_UNIT} (review {plan.review_date}), {made} earlier "
            f"case(s) added, {len(EARLIER) - made} already there.")

    def _earlier_case(self, n, days_ago, priority, case_type, complaint, outcome) -> bool:
        at = timezone.now() - timedelta(days=days_ago)
        reference = f"VML-DEMO-CAREPLAN-{n}"
        if Case.objects.filter(reference=reference).exists():
            return False
        anna = User.objects.get(username="anna")
        address, lat, lon = ADDRESS
        case = Case.objects.create(
            reference=reference, region=Region.objects.get(code="VML"), status=CaseStatus.CLOSED,
            caller_number=PERSON_PHONE, address=address, municipality="Västerås",
            municipality_code="1980", latitude=lat, longitude=lon, complaint=complaint,
            case_type=case_type, mbs_priority=priority, priority=priority,
            personal_identity_number=PERSON_PIN, patient_name=PERSON_NAME,
            referred_to=CARE_UNIT if outcome == "referred" else "",
            call_received_at=at, call_answered_at=at + timedelta(seconds=6),
            registered_at=at + timedelta(seconds=90), closed_at=at + timedelta(hours=2),
            first_alert_at=None if outcome == "referred" else at + timedelta(seconds=150),
            first_alert_priority="" if outcome == "referred" else priority, created_by=anna)
        services.case_caller_index(case=case)  # made here, not registered: indexed by hand
        if outcome != "referred":
            alerted = at + timedelta(seconds=150)
            steps = {"acknowledged_at": alerted + timedelta(seconds=20),
                     "en_route_at": alerted + timedelta(seconds=60),
                     "on_scene_at": alerted + timedelta(minutes=12)}
            if outcome == "transported":
                steps.update(transporting_at=alerted + timedelta(minutes=35),
                             at_hospital_at=alerted + timedelta(minutes=50))
            steps["available_at"] = alerted + timedelta(minutes=70)
            Assignment.objects.create(
                case=case, unit=Unit.objects.get(call_sign="AMB 1010"),
                status=AssignmentStatus.AVAILABLE, alerted_at=alerted,
                status_changed_at=steps["available_at"], created_by=anna, **steps)
        return True
