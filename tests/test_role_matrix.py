"""Who may call which API endpoint: every route under /api/ (taken from the URL resolver) ×
every method its view implements × every role, against a table written out by hand.

A route or method the table does not list fails `test_role_matrix` for that route, so a new
endpoint cannot be added without deciding who may call it. The same calls check that every
successful answer showing the world's patient wrote the access log for that request
(tests/audit/patient_data.py), so a new endpoint cannot show patient data unrecorded either.
"""

import io
import uuid
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from audit.services import PatientRef, access_log_write
from dispatch import services as dispatch_services
from ivpa.models import Callout, Municipality
from push.vapid import generate_keys
from safety.demo_partners import partners_seed
from tests.audit.patient_data import CALLER_PHONE, IMAGE_NOTE, log_mark, shown_unrecorded
from tests.conftest import case_payload
from tests.push.helpers import subscribe
from tests.push.loopback import FakeBrowser

PASSWORD = "larm-demo-2026"
METHODS = ("get", "post", "put", "patch", "delete")
ROLES = ("anonymous", "dispatcher", "crew_own", "crew_other", "responder", "mobile_care",
         "admin", "coordinator", "manager", "partner", "tib")
# The partner (Polisregion Bergslagen's service account, regions VML) calls with its API token,
# as a partner's system does, not with a session.
PERSONA = {"anonymous": None, "dispatcher": "anna", "crew_own": "sara", "crew_other": "johan",
           "responder": "lars", "mobile_care": "karin", "admin": "admin", "coordinator": "ulla",
           "manager": "greta", "partner": "polisen", "tib": "tove"}


def api_routes() -> list[tuple[str, str]]:
    """(route, METHOD) for every URL pattern under api/ and every method its view has."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if not route.startswith("api/"):
                    continue
                view = getattr(pattern.callback, "cls", None) or getattr(
                    pattern.callback, "view_class", None)
                methods = [m.upper() for m in METHODS if view is not None and hasattr(view, m)]
                for method in methods or ["?"]:  # "?": a view whose methods are unknown
                    found.append((route, method))

    walk(get_resolver().url_patterns, "")
    return sorted(found)


def row(anonymous, dispatcher, crew_own, crew_other, responder, mobile_care, admin, *,
        coordinator=None, manager=None, partner=403, tib=None):
    """The expected status per role. An IVPA coordinator (ulla, Västerås) vets volunteers and
    the centre's manager (greta) runs the follow-up, and nothing else: unless named, what every
    other signed-in role gets when they all agree (signing in, /api/me/, the regions...), else
    403. A partner organisation's token reaches only the shared risk notices: unless named,
    403 (also where everyone signed in is let in). The official on duty (tove, TiB) runs major
    incidents: unless named, like the coordinator and the manager."""
    signed_in = {dispatcher, crew_own, crew_other, responder, mobile_care, admin}
    agreed = signed_in.pop() if len(signed_in) == 1 else 403
    coordinator = agreed if coordinator is None else coordinator
    manager = agreed if manager is None else manager
    tib = agreed if tib is None else tib
    return dict(zip(ROLES, (anonymous, dispatcher, crew_own, crew_other, responder,
                            mobile_care, admin, coordinator, manager, partner, tib),
                    strict=True))


EVERYONE = row(200, 200, 200, 200, 200, 200, 200)
SIGNED_IN = row(403, 200, 200, 200, 200, 200, 200)
DISPATCH = row(403, 200, 403, 403, 403, 403, 200)
DISPATCH_CREATE = row(403, 201, 403, 403, 403, 403, 201)
UNITS_READ = row(403, 200, 200, 200, 403, 403, 200)
# Another unit's assignment does not exist for the crew (404, not 403: no probing).
OWN_ASSIGNMENT = row(403, 200, 200, 404, 403, 403, 200)
ADMIN_ONLY = row(403, 403, 403, 403, 403, 403, 200)
# A responder's own profile and alerts. An administrator passes the role check (superuser)
# and is refused by the service: they are no responder (or see an empty list of their own).
RESPONDER = row(403, 403, 403, 403, 200, 403, 403)
OWN_ALERT = row(403, 403, 403, 403, 200, 403, 404)


def service_account():
    """A service account (of the dispatcher role) as an administrator creates it."""
    from accounts.models import Role, User

    return User.objects.create(username=f"svc-{uuid.uuid4().hex[:8]}", role=Role.DISPATCHER,
                               is_service_account=True)


def api_token_of(user) -> int:
    from accounts.services import api_token_issue

    token, _key = api_token_issue(user=user)
    return token.pk


def credentials(w, user):
    return {"data": {"username": (user or w.demo.anna).username, "password": PASSWORD}}


def staging_world(w):
    """A staging point ordered by anna on the world's assignment (per call, rolled back)."""
    from dispatch.services.staging import assignment_staging_order

    assignment_staging_order(assignment=w.assignment, latitude=59.61, longitude=16.55,
                             reason="Vänta på polis", by=w.demo.anna)


def referral_world(w):
    """MVE 1500 with karin joined and a referral sent to it by anna (made per call: each role
    calls inside a transaction that is rolled back)."""
    from datetime import timedelta

    from django.utils import timezone

    from referrals.models import MobileCareProfile
    from referrals.services import referral_send

    call_command("seed_referrals_demo", stdout=io.StringIO())
    MobileCareProfile.objects.update(opening_hours="24/7")
    case = dispatch_services.case_register(
        by=w.demo.anna, **{**case_payload(w.demo.vml, municipality="Västerås",
                                          priority="referral", mbs_priority="referral"),
                           "region": w.demo.vml})
    unit = w.demo.units["MVE 1500"]
    referral = referral_send(
        case=case, unit=unit, by=w.demo.anna, line="cold",
        deadline=timezone.now() + timedelta(hours=4), callback_number="0701234567",
        handover={"reason": "Kateterstopp"})
    return SimpleNamespace(case=case, unit=unit, referral=referral,
                           soon=(timezone.now() + timedelta(hours=1)).isoformat())


def referral_spec(extra=None):
    def build(w, u):
        r = referral_world(w)
        return {"pk": r.referral.pk, **(extra(w, r) if extra else {})}
    return build


def referral_new(w, u):
    from datetime import timedelta

    from django.utils import timezone

    r = referral_world(w)
    case = dispatch_services.case_register(
        by=w.demo.anna, **{**case_payload(w.demo.vml, municipality="Västerås",
                                          priority="referral", mbs_priority="referral"),
                           "region": w.demo.vml})
    return {"data": {"case": case.pk, "unit": r.unit.pk, "line": "warm",
                     "deadline": (timezone.now() + timedelta(hours=3)).isoformat(),
                     "callback_number": "+46701234567", "handover": {"reason": "Sårvård"}}}


ADDRESS_READ = row(403, 200, 200, 200, 403, 403, 200)


def address_world():
    """An address in the register (per call, rolled back after); not the world's patient's,
    whose address the access log check looks for."""
    from tests.places.helpers import address_add, municipalities_add

    address_add(municipalities_add()["1980"], "Kopparbergsvägen", "10", locality="Västerås")


def hospital_world():
    """The tests' hospitals (per call, rolled back after): Akademiska sjukhuset's id."""
    from tests.places.helpers import hospitals_add

    return hospitals_add()["Akademiska sjukhuset"].pk


def message_world(w, u) -> int:
    """A message on the world's assignment (per call, rolled back after) that `u` may
    acknowledge: from the crew (sara) for the centre's roles, from the centre (anna) for the
    others."""
    from accounts.roles import is_dispatcher
    from dispatch.services.messages import assignment_message_send

    author = w.demo.sara if u is not None and is_dispatcher(u) else w.demo.anna
    return assignment_message_send(assignment=w.assignment, by=author, text="Ring mig").pk


PATIENT_PIN = "19121212-1212"


def care_plan_payload() -> dict:
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    return {"personal_identity_number": PATIENT_PIN, "phones": ["070-123 45 67"],
            "care_unit": "Västerås mobila team", "valid_from": str(today),
            "valid_to": str(today + timedelta(days=90)),
            "review_date": str(today + timedelta(days=60)),
            "consent_recorded_by": "Eva Lind", "consent_recorded_at": str(today),
            "consent_method": "written", "dispatcher_instructions": "Ring teamet först.",
            "crew_instructions": "Hemsyrgas 2 l/min."}


def care_plan_world(w) -> int:
    """A care plan for the world's patient (per call, rolled back after): its id."""
    from datetime import date

    from careplans.services import care_plan_create

    data = care_plan_payload()
    for name in ("valid_from", "valid_to", "review_date", "consent_recorded_at"):
        data[name] = date.fromisoformat(data[name])
    return care_plan_create(by=w.demo.admin, **data).pk


# The follow-up: dispatchers, the manager and administrators read it; the manager (and an
# administrator) sets targets and runs the follow-up records.
FOLLOWUP_READ = row(403, 200, 403, 403, 403, 403, 200, manager=200)
FOLLOWUP_RUN = row(403, 403, 403, 403, 403, 403, 200, manager=200)


def this_tertial() -> dict:
    from django.utils import timezone

    today = timezone.localdate()
    return {"year": today.year, "tertial": (today.month - 1) // 4 + 1}


def future_target(w) -> int:
    """A target not yet in force (per call, rolled back after): its id."""
    from followup.models import MeasureTarget

    return MeasureTarget.objects.create(measure=1, comparison="at_most", value=75,
                                        valid_from=date.today() + timedelta(days=30)).pk


def followup_record(w) -> int:
    """A follow-up record of a deviation in this tertial (per call, rolled back after)."""
    from django.utils import timezone

    from followup.models import DeviationFollowUp

    return DeviationFollowUp.objects.create(
        measure=1, region=w.demo.vml, kind="region", opened_by=w.demo.greta,
        opened_at=timezone.now(), **this_tertial()).pk


def feedback_report(w) -> int:
    """anna's monthly feedback (per call, rolled back after): its id."""
    from django.utils import timezone

    from followup.models import DispatcherReport

    return DispatcherReport.objects.create(dispatcher=w.demo.anna, month=date(2026, 11, 1),
                                           made_at=timezone.now()).pk


REFERRAL_READ = row(403, 200, 403, 403, 403, 200, 200)
# Only the unit's own staff answer a referral; an administrator sees it but is on no unit.
REFERRAL_ANSWER = row(403, 403, 403, 403, 403, 200, 403)


# Risk notices' reviewers: dispatchers, the manager, administrators.
SAFETY_REVIEW = row(403, 200, 403, 403, 403, 403, 200, manager=200)


def crew_report_spec(w, u):
    """A report of a threat: about the world's assignment, or, for mobile care staff (joined
    to MVE 1500 here), about none."""
    from crews.services import crew_join

    data = {"category": "threat", "violence_happened": False, "description": "Hotfull anhörig",
            "idempotency_key": f"report-{uuid.uuid4().hex}"}
    if u is not None and u.username == "karin":
        crew_join(user=u, unit=w.demo.units["MVE 1500"])
    else:
        data["assignment"] = w.assignment.pk
    return {"data": data}


def incident_spec(*, state: str = "raised", extra=None):
    """A major incident anna raised on the world's case (its address is in the detail), raised
    or confirmed by tove, per call, rolled back after."""
    def build(w, u):
        from incidents.models import IncidentState, MajorIncident
        from incidents.services.lifecycle import incident_raise

        incident, _created = incident_raise(by=w.demo.anna, title="Bussolycka E18",
                                            report=None, cases=[w.case_low.pk], region=None)
        if state == "confirmed":
            MajorIncident.objects.filter(pk=incident.pk).update(
                state=IncidentState.CONFIRMED, confirmed_by=w.demo.tove,
                confirmed_at=incident.raised_at)
        return {"pk": incident.pk, **({"data": extra} if extra else {})}
    return build


# Major incidents: the centre (dispatchers, TiB, administrators) follows and raises them and
# adds cases; only TiB (and an administrator) confirms, rejects and stands down.
INCIDENT_ROLES_OK = row(403, 200, 403, 403, 403, 403, 200, tib=200)
INCIDENT_TIB = row(403, 403, 403, 403, 403, 403, 200, tib=200)


def panic_spec(extra=None):
    """An alarm sara raised on AMB 1010 (on the world's case: its address is shown) and its
    id, per call, rolled back after."""
    def build(w, u):
        from safety.services.panic import panic_raise

        alarm, _created = panic_raise(user=w.demo.sara,
                                      idempotency_key=f"panic-{uuid.uuid4().hex}")
        return {"pk": alarm.pk, **({"data": extra} if extra else {})}
    return build


def region_alarm_spec(w, u):
    """An incident confirmed with one region alarmed (per call, rolled back after), and what
    the region's TiB said on the phone."""
    from django.utils import timezone

    from incidents.models import AlarmRegion, IncidentState, MajorIncident, RegionAlarm

    now = timezone.now()
    region = AlarmRegion.objects.create(code=f"R{uuid.uuid4().hex[:6]}", name="Region Örebro")
    incident = MajorIncident.objects.create(
        title="Bussolycka E18", state=IncidentState.CONFIRMED, region=w.demo.vml,
        raised_by=w.demo.anna, raised_at=now, confirmed_by=w.demo.users["tove"],
        confirmed_at=now)
    RegionAlarm.objects.create(incident=incident, alarm_region=region, sent_at=now)
    return {"pk": incident.pk, "region_pk": region.pk, "data": {"by": "Per Persson"}}


def cap_message_spec(w, u):
    """A confirmed incident with its CAP alert stored (per call, rolled back after)."""
    from django.utils import timezone

    from incidents.models import CapMessage, IncidentState, MajorIncident

    now = timezone.now()
    incident = MajorIncident.objects.create(
        title="Bussolycka E18", state=IncidentState.CONFIRMED, region=w.demo.vml,
        raised_by=w.demo.anna, raised_at=now, confirmed_by=w.demo.users["tove"],
        confirmed_at=now)
    CapMessage.objects.create(incident=incident, identifier=f"matrix:incident:{incident.pk}:1",
                              msg_type="Alert", sent_at=now, xml="<alert/>")
    return {"pk": incident.pk}


def pledge_spec(*, withdraw: bool = False):
    """A confirmed incident and a region (per call, rolled back after): what the region's TiB
    pledged on the phone, or (withdraw) a pledge already recorded, to withdraw."""
    def build(w, u):
        from django.utils import timezone

        from incidents.models import AlarmRegion, IncidentState, MajorIncident
        from incidents.services.pledges import pledge_record

        now = timezone.now()
        region = AlarmRegion.objects.create(code=f"P{uuid.uuid4().hex[:6]}",
                                            name="Region Gävleborg")
        incident = MajorIncident.objects.create(
            title="Tågurspårning", state=IncidentState.CONFIRMED, region=w.demo.vml,
            raised_by=w.demo.anna, raised_at=now, confirmed_by=w.demo.users["tove"],
            confirmed_at=now)
        if withdraw:
            pledge, _created = pledge_record(incident=incident, alarm_region=region,
                                             kind="ambulance", count=2, via="phone")
            return {"pk": incident.pk, "pledge_pk": pledge.pk}
        return {"pk": incident.pk, "data": {"alarm_region": region.pk, "kind": "ambulance",
                                            "count": 5, "report_to": "Brytpunkt Sandviken"}}
    return build


# The panic alarm: raised by the crew on a unit (karin is on none here; an administrator on
# none either), listed by the console and the unit's crew, acknowledged and closed by the
# console; positions and cancelling by the alarm's own unit (another unit's: 404).
PANIC_CONSOLE = row(403, 200, 403, 403, 403, 403, 200)


def notice_world(w, *, state: str = "active", applied: bool = True):
    """A notice about the place of the world's assignment's case (Vasagatan 12, 500 m from
    Stora torget), matched with that case and applied (per call, rolled back after)."""
    from datetime import timedelta

    from django.utils import timezone

    from safety.models import NoticeMatch
    from safety.services.matches import match_decide
    from safety.services.notices import notice_create

    notice = notice_create(
        by=w.demo.anna, address="Vasagatan 12, Västerås", latitude=59.6118, longitude=16.5405,
        radius_m=500, category="weapon", action="police_first", region=w.demo.vml,
        valid_until=timezone.now() + timedelta(days=30), background="Kniv i lägenheten",
        state=state, case=w.case_low.pk if state == "active" else None)
    match = NoticeMatch.objects.filter(notice=notice).first()
    if applied and match is not None:
        match_decide(match=match, decision="applied", by=w.demo.anna)
    return SimpleNamespace(notice=notice, match=match)


def notice_payload(w) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    return {"address": "Emausvägen 15, Västerås", "latitude": 59.6164, "longitude": 16.5717,
            "radius_m": 100, "category": "threat", "action": "staging",
            "valid_until": (timezone.now() + timedelta(days=30)).isoformat(),
            "region": w.demo.vml.pk, "shareable": True}


def report_spec(*, state: str = "confirmed", data=None):
    """A major incident without cases, with its situation report version 1, raised or
    confirmed (per call, rolled back after)."""
    def build(w, u):
        from django.utils import timezone

        from incidents.models import IncidentState, MajorIncident, SituationReport

        now = timezone.now()
        confirmed = state == IncidentState.CONFIRMED
        incident = MajorIncident.objects.create(
            title="Bussolycka E18", state=state, region=w.demo.vml, raised_by=w.demo.anna,
            raised_at=now, location="E18 vid Köping",
            confirmed_by=w.demo.users["tove"] if confirmed else None,
            confirmed_at=now if confirmed else None)
        SituationReport.objects.create(incident=incident, version=1, written_by=w.demo.anna,
                                       written_at=now, casualties_total=12)
        return {"pk": incident.pk, **({"data": data} if data else {})}
    return build


# (route, METHOD): (request for the world `w` and user, expected status per role)
MATRIX = {
    ("api/me/", "GET"): (lambda w, u: {}, SIGNED_IN),
    ("api/auth/login/", "POST"): (credentials, EVERYONE),
    ("api/auth/logout/", "POST"): (lambda w, u: {}, SIGNED_IN),
    # A token for one's own integration: dispatchers only (the anonymous caller gives
    # anna's name and password); never a phone's or a tablet's person, nor an administrator.
    # A partner's account has no password (its tokens come from `manage.py partner_token`).
    ("api/auth/token/", "POST"): (credentials, row(200, 200, 403, 403, 403, 403, 403,
                                                   partner=400)),
    # The administrator's tokens: the list, a service account's new token, revoking one.
    ("api/auth/tokens/", "GET"): (lambda w, u: {}, ADMIN_ONLY),
    ("api/auth/tokens/", "POST"): (
        lambda w, u: {"data": {"user": service_account().pk}},
        row(403, 403, 403, 403, 403, 403, 201)),
    ("api/auth/tokens/<int:pk>/revoke/", "POST"): (
        lambda w, u: {"pk": api_token_of(w.demo.anna)}, ADMIN_ONLY),
    ("api/regions/", "GET"): (lambda w, u: {}, SIGNED_IN),
    ("api/stations/", "GET"): (lambda w, u: {}, SIGNED_IN),
    # The address search and the nearest address: the console, and crews (a destination of
    # their own); not patient data. The municipality -> region table: anyone signed in.
    ("api/addresses/", "GET"): (
        lambda w, u: (address_world(), {"query": {"q": "kopparbergsv 10"}})[1], ADDRESS_READ),
    ("api/addresses/nearest/", "GET"): (
        lambda w, u: (address_world(), {"query": {"latitude": 59.6099,
                                                  "longitude": 16.5448}})[1], ADDRESS_READ),
    ("api/municipalities/", "GET"): (lambda w, u: {}, SIGNED_IN),
    # The hospitals to take a patient to, nearest first: crews and the console.
    ("api/hospitals/", "GET"): (
        lambda w, u: (hospital_world(), {"query": {"latitude": 59.6099,
                                                   "longitude": 16.5448}})[1], ADDRESS_READ),
    ("api/units/", "GET"): (lambda w, u: {}, UNITS_READ),
    # One join and one leave for every shift: ambulance crews and mobile care staff (karin,
    # on MVE 1500 in the referral world; an ambulance is no unit of hers: 409). An
    # administrator is a superuser and passes the role check, then the service refuses: an
    # administrator is on no unit.
    ("api/units/leave/", "POST"): (
        lambda w, u: (referral_world(w), {})[1], row(403, 403, 200, 200, 403, 200, 409)),
    ("api/units/<int:pk>/", "GET"): (lambda w, u: {"pk": w.demo.amb1010.pk}, UNITS_READ),
    ("api/units/<int:pk>/join/", "POST"): (
        lambda w, u: {"pk": w.demo.amb1010.pk}, row(403, 403, 200, 200, 403, 409, 409)),
    # In or out of service: the dispatcher or an administrator (a reason when out).
    ("api/units/<int:pk>/service/", "POST"): (
        lambda w, u: {"pk": w.demo.amb1020.pk, "data": {"in_service": False,
                                                         "note": "Sanering"}}, DISPATCH),
    ("api/units/<int:pk>/position/", "POST"): (
        lambda w, u: {"pk": w.demo.amb1010.pk, "data": {"latitude": 59.61, "longitude": 16.55}},
        row(403, 200, 200, 403, 403, 403, 200),
    ),
    ("api/cases/", "GET"): (lambda w, u: {}, DISPATCH),
    ("api/cases/", "POST"): (lambda w, u: {"data": case_payload(w.demo.vml)}, DISPATCH_CREATE),
    ("api/cases/<int:pk>/", "GET"): (lambda w, u: {"pk": w.case_low.pk}, DISPATCH),
    ("api/cases/<int:pk>/", "PATCH"): (
        lambda w, u: {"pk": w.case_low.pk, "data": {"notes": "Porten är låst"}}, DISPATCH),
    ("api/cases/<int:pk>/dispatch/", "POST"): (
        lambda w, u: {"pk": w.case_free.pk, "data": {"units": [w.demo.amb1020.pk]}},
        DISPATCH_CREATE),
    ("api/cases/<int:pk>/close/", "POST"): (lambda w, u: {"pk": w.case_free.pk}, DISPATCH),
    # The case's history (changes, assignments, messages): the centre only, a recorded read.
    ("api/cases/<int:pk>/history/", "GET"): (lambda w, u: {"pk": w.case_low.pk}, DISPATCH),
    # The units that could go, ranked by arrival (units and times, no patient data).
    ("api/cases/<int:pk>/recommendations/", "GET"): (lambda w, u: {"pk": w.case_low.pk},
                                                     DISPATCH),
    ("api/assignments/", "GET"): (lambda w, u: {}, UNITS_READ),
    ("api/assignments/<int:pk>/", "GET"): (lambda w, u: {"pk": w.assignment.pk},
                                           OWN_ASSIGNMENT),
    ("api/assignments/<int:pk>/acknowledge/", "POST"): (
        lambda w, u: {"pk": w.assignment.pk, "data": {}}, OWN_ASSIGNMENT),
    ("api/assignments/<int:pk>/status/", "POST"): (
        lambda w, u: {"pk": w.assignment.pk, "data": {"status": "acknowledged"}},
        OWN_ASSIGNMENT),
    ("api/assignments/<int:pk>/destination/", "POST"): (
        lambda w, u: {"pk": w.assignment.pk, "data": {"hospital": hospital_world()}},
        OWN_ASSIGNMENT),
    # Messages between the crew and the centre: the assigned crew and the dispatchers; the
    # other side acknowledges (another unit's assignment does not exist for a crew).
    ("api/assignments/<int:pk>/messages/", "GET"): (
        lambda w, u: {"pk": w.assignment.pk}, OWN_ASSIGNMENT),
    ("api/assignments/<int:pk>/messages/", "POST"): (
        lambda w, u: {"pk": w.assignment.pk, "data": {"text": "Polis på väg"}},
        row(403, 201, 201, 404, 403, 403, 201)),
    ("api/assignments/<int:pk>/messages/<int:mid>/acknowledge/", "POST"): (
        lambda w, u: {"pk": w.assignment.pk, "mid": message_world(w, u), "data": {}},
        OWN_ASSIGNMENT),
    ("api/assignments/<int:pk>/redirect/", "POST"): (
        lambda w, u: {"pk": w.assignment.pk, "data": {"case": w.case_high.pk}},
        DISPATCH_CREATE),
    # The staging point (*brytpunkt*): the centre orders it and lets the crew in.
    ("api/assignments/<int:pk>/staging/", "POST"): (
        lambda w, u: {"pk": w.assignment.pk, "data": {
            "latitude": 59.61, "longitude": 16.55, "reason": "Vänta på polis"}}, DISPATCH),
    ("api/assignments/<int:pk>/staging/release/", "POST"): (
        lambda w, u: (staging_world(w), {"pk": w.assignment.pk, "data": {}})[1], DISPATCH),
    ("api/measures/", "GET"): (lambda w, u: {"query": {"region": w.demo.vml.pk}}, DISPATCH),
    ("api/audit/log/", "GET"): (lambda w, u: {}, ADMIN_ONLY),
    ("api/audit/extract/", "GET"): (
        lambda w, u: {"query": {"patient": "19121212-1212"}}, ADMIN_ONLY),
    ("api/push/vapid-public-key/", "GET"): (lambda w, u: {}, SIGNED_IN),
    ("api/push/subscriptions/", "POST"): (
        lambda w, u: {"data": {**FakeBrowser().subscription(
            "https://fcm.googleapis.com/fcm/send/matrix-" + uuid.uuid4().hex),
            "device_id": str(uuid.uuid4())}},
        row(403, 201, 201, 201, 201, 201, 201)),
    # Each signed-in user deletes their own device's subscription; another user's device is
    # a 404 (tests/push/test_api.py).
    ("api/push/subscriptions/<uuid:device_id>/", "DELETE"): (
        lambda w, u: {"device_id": w.device_of.get(getattr(u, "username", None),
                                                   w.sara_device)},
        row(403, 204, 204, 204, 204, 204, 204)),
    # Anyone may sign up as a volunteer (throttled per address).
    ("api/ivpa/register/", "POST"): (
        lambda w, u: {"data": {"username": "vol-" + uuid.uuid4().hex[:10],
                               "password": "hjärta-och-lunga-2026", "display_name": "Ny Frivillig",
                               "phone_number": "+46701740690", "training": "cpr_aed",
                               "training_confirmed": True}},
        row(201, 201, 201, 201, 201, 201, 201)),
    ("api/ivpa/me/", "GET"): (lambda w, u: {}, RESPONDER),
    ("api/ivpa/me/", "PATCH"): (lambda w, u: {"data": {"position_interval_s": 60}}, RESPONDER),
    ("api/ivpa/me/position/", "POST"): (
        lambda w, u: {"data": {"latitude": 59.611, "longitude": 16.547}}, RESPONDER),
    ("api/ivpa/me/test-alarm/", "POST"): (
        lambda w, u: {}, row(403, 403, 403, 403, 202, 403, 403)),
    ("api/ivpa/alerts/", "GET"): (lambda w, u: {}, row(403, 403, 403, 403, 200, 403, 200)),
    ("api/ivpa/alerts/<int:pk>/", "GET"): (lambda w, u: {"pk": w.lars_alert.pk}, OWN_ALERT),
    ("api/ivpa/alerts/<int:pk>/seen/", "POST"): (
        lambda w, u: {"pk": w.lars_alert.pk}, OWN_ALERT),
    ("api/ivpa/alerts/<int:pk>/accept/", "POST"): (
        lambda w, u: {"pk": w.lars_alert.pk}, OWN_ALERT),
    ("api/ivpa/alerts/<int:pk>/decline/", "POST"): (
        lambda w, u: {"pk": w.lars_alert.pk}, OWN_ALERT),
    # Arriving and reporting need an accepted alert: lars's is only alerted (409 to him).
    ("api/ivpa/alerts/<int:pk>/arrived/", "POST"): (
        lambda w, u: {"pk": w.lars_alert.pk}, row(403, 403, 403, 403, 409, 403, 404)),
    ("api/ivpa/alerts/<int:pk>/report/", "POST"): (
        lambda w, u: {"pk": w.lars_alert.pk, "data": {"wellbeing": 4}},
        row(403, 403, 403, 403, 409, 403, 404)),
    # The crew card's first responders (counts, no names): the assigned crew and the centre.
    ("api/ivpa/assignments/<int:pk>/responders/", "GET"): (
        lambda w, u: {"pk": w.assignment.pk}, OWN_ASSIGNMENT),
    ("api/ivpa/callouts/", "GET"): (lambda w, u: {}, DISPATCH),
    ("api/ivpa/callouts/<int:pk>/cancel/", "POST"): (
        lambda w, u: {"pk": w.callout.pk}, DISPATCH),
    ("api/ivpa/callouts/<int:pk>/outcome/", "POST"): (
        lambda w, u: {"pk": w.callout.pk, "data": {"outcome": "ROSC på plats"}}, DISPATCH),
    ("api/ivpa/cases/<int:pk>/callout/", "GET"): (lambda w, u: {"pk": w.case_arrest.pk},
                                                   DISPATCH),
    ("api/ivpa/cases/<int:pk>/callout/", "POST"): (lambda w, u: {"pk": w.case_manual.pk},
                                                    DISPATCH_CREATE),
    ("api/ivpa/measures/", "GET"): (lambda w, u: {}, DISPATCH),
    ("api/ivpa/municipalities/", "GET"): (lambda w, u: {}, DISPATCH),
    ("api/ivpa/municipalities/<int:pk>/", "PATCH"): (
        lambda w, u: {"pk": w.vasteras.pk, "data": {"wave_size": 10}}, ADMIN_ONLY),
    ("api/ivpa/municipalities/<int:pk>/connect/", "POST"): (
        lambda w, u: {"pk": w.vasteras.pk, "data": {}}, ADMIN_ONLY),
    ("api/ivpa/municipalities/<int:pk>/disconnect/", "POST"): (
        lambda w, u: {"pk": w.vasteras.pk}, ADMIN_ONLY),
    # Vetting volunteers: administrators (every volunteer) and coordinators (their
    # municipalities': lars is Västerås's, ulla its coordinator).
    ("api/ivpa/responders/", "GET"): (
        lambda w, u: {"query": {"pending": "1"}}, row(403, 403, 403, 403, 403, 403, 200,
                                                      coordinator=200)),
    ("api/ivpa/responders/<int:pk>/approve/", "POST"): (
        lambda w, u: {"pk": w.demo.lars.responder.pk,
                      "data": {"trained_on": str(date.today() - timedelta(days=30))}},
        row(403, 403, 403, 403, 403, 403, 200, coordinator=200)),
    ("api/ivpa/responders/<int:pk>/revoke/", "POST"): (
        lambda w, u: {"pk": w.demo.lars.responder.pk, "data": {"reason": "Intyget saknas"}},
        row(403, 403, 403, 403, 403, 403, 200, coordinator=200)),
    ("api/ivpa/aeds/", "GET"): (
        lambda w, u: {"query": {"latitude": 59.61, "longitude": 16.54}}, DISPATCH),
    # Without a file the administrator gets a 400 that says what to attach.
    ("api/ivpa/aeds/import/", "POST"): (lambda w, u: {}, row(403, 403, 403, 403, 403, 403, 400)),
    # Caller images: dispatchers; the crew of the unit an image was forwarded to (sara's);
    # another unit's crew finds nothing (404).
    ("api/imaging/cases/<int:pk>/links/", "GET"): (lambda w, u: {"pk": w.case_low.pk},
                                                    DISPATCH),
    ("api/imaging/cases/<int:pk>/links/", "POST"): (
        lambda w, u: {"pk": w.case_low.pk, "data": {"phone": "070-123 45 67"}},
        DISPATCH_CREATE),
    ("api/imaging/cases/<int:pk>/images/", "GET"): (lambda w, u: {"pk": w.case_low.pk},
                                                     DISPATCH),
    ("api/imaging/links/<int:pk>/revoke/", "POST"): (lambda w, u: {"pk": w.image.link_id},
                                                      DISPATCH),
    ("api/imaging/images/<int:pk>/", "GET"): (lambda w, u: {"pk": w.image.pk}, OWN_ASSIGNMENT),
    ("api/imaging/images/<int:pk>/display", "GET"): (lambda w, u: {"pk": w.image.pk},
                                                      OWN_ASSIGNMENT),
    ("api/imaging/images/<int:pk>/thumbnail", "GET"): (lambda w, u: {"pk": w.image.pk},
                                                        OWN_ASSIGNMENT),
    ("api/imaging/images/<int:pk>/assess", "POST"): (
        lambda w, u: {"pk": w.image.pk, "data": {"note": "Ytlig", "rotation": 90}}, DISPATCH),
    ("api/imaging/images/<int:pk>/forward", "POST"): (lambda w, u: {"pk": w.image.pk},
                                                       DISPATCH),
    ("api/imaging/assignments/<int:pk>/images/", "GET"): (
        lambda w, u: {"pk": w.assignment.pk}, OWN_ASSIGNMENT),
    # The caller's upload needs the upload-session cookie, which no account gives: gone (these
    # two views read no token: a partner's is an anonymous caller there).
    ("api/imaging/upload/", "GET"): (lambda w, u: {}, row(410, 410, 410, 410, 410, 410, 410,
                                                          partner=410)),
    ("api/imaging/upload/", "POST"): (lambda w, u: {}, row(410, 410, 410, 410, 410, 410, 410,
                                                           partner=410)),
    # The SMS provider's delivery report: only with the secret in the path (none set here).
    ("api/push/sms/delivery/<str:secret>/", "POST"): (
        lambda w, u: {"data": {"id": "x", "status": "delivered"}},
        row(404, 404, 404, 404, 404, 404, 404, partner=404)),
    # Referrals to mobile care units: dispatchers, and the staff of the unit referred to
    # (karin on MVE 1500); crews and responders see nothing.
    ("api/referrals/", "GET"): (lambda w, u: {}, REFERRAL_READ),
    ("api/referrals/", "POST"): (referral_new, row(403, 201, 403, 403, 403, 403, 201)),
    ("api/referrals/proposals/", "GET"): (
        lambda w, u: {"query": {"case": referral_world(w).case.pk}}, DISPATCH),
    ("api/referrals/stats/", "GET"): (lambda w, u: {}, DISPATCH),
    ("api/referrals/cases/<int:pk>/", "GET"): (
        lambda w, u: {"pk": referral_world(w).case.pk}, DISPATCH),
    ("api/referrals/units/", "GET"): (lambda w, u: {}, REFERRAL_READ),
    # An administrator passes the role check and is refused by the service (on no unit).
    ("api/referrals/units/<int:pk>/profile/", "GET"): (
        lambda w, u: {"pk": referral_world(w).unit.pk}, REFERRAL_READ),
    ("api/referrals/units/<int:pk>/profile/", "PATCH"): (
        lambda w, u: {"pk": referral_world(w).unit.pk, "data": {"capacity": 5}},
        row(403, 403, 403, 403, 403, 200, 200)),
    ("api/referrals/<int:pk>/", "GET"): (referral_spec(), REFERRAL_READ),
    ("api/referrals/<int:pk>/summary/", "GET"): (referral_spec(), REFERRAL_READ),
    ("api/referrals/<int:pk>/accept/", "POST"): (
        referral_spec(lambda w, r: {"data": {"expected_visit_at": r.soon}}), REFERRAL_ANSWER),
    ("api/referrals/<int:pk>/decline/", "POST"): (
        referral_spec(lambda w, r: {"data": {"reason": "Fullt"}}), REFERRAL_ANSWER),
    # The outcome needs an accepted referral: this one is only sent (409 to karin).
    ("api/referrals/<int:pk>/outcome/", "POST"): (
        referral_spec(lambda w, r: {"data": {"outcome": "treated_at_home"}}),
        row(403, 403, 403, 403, 403, 409, 403)),
    ("api/referrals/<int:pk>/withdraw/", "POST"): (referral_spec(), DISPATCH),
    # Care plans and the person behind a case: dispatchers and administrators; the crew part
    # of the plan for an assignment's patient: its crew (another unit's: 404). Never a
    # volunteer, mobile care staff or a coordinator (tests/careplans/test_rights.py).
    ("api/care-plans/", "GET"): (
        lambda w, u: (care_plan_world(w), {"query": {"personal_identity_number": PATIENT_PIN}})[1],
        DISPATCH),
    ("api/care-plans/", "POST"): (
        lambda w, u: {"data": care_plan_payload()}, DISPATCH_CREATE),
    ("api/care-plans/<int:pk>/", "GET"): (lambda w, u: {"pk": care_plan_world(w)}, DISPATCH),
    ("api/care-plans/<int:pk>/", "PATCH"): (
        lambda w, u: {"pk": care_plan_world(w), "data": {"contact": "Teamet 070-174 06 78"}},
        DISPATCH),
    ("api/cases/<int:pk>/person/", "GET"): (
        lambda w, u: (care_plan_world(w), {"pk": w.case_low.pk})[1], DISPATCH),
    ("api/assignments/<int:pk>/care-plan/", "GET"): (
        lambda w, u: (care_plan_world(w), {"pk": w.assignment.pk})[1], OWN_ASSIGNMENT),
    ("api/followup/targets/", "GET"): (lambda w, u: {}, FOLLOWUP_READ),
    ("api/followup/targets/", "POST"): (
        lambda w, u: {"data": {"measure": 3, "region": w.demo.upp.pk, "comparison": "at_most",
                               "value": 0.1, "note": "Mål 2027",
                               "valid_from": str(date.today() + timedelta(days=40))}},
        row(403, 403, 403, 403, 403, 403, 201, manager=201)),
    ("api/followup/targets/<int:pk>/", "DELETE"): (
        lambda w, u: {"pk": future_target(w)}, row(403, 403, 403, 403, 403, 403, 204,
                                                   manager=204)),
    ("api/followup/deviations/", "GET"): (lambda w, u: {"query": this_tertial()},
                                          FOLLOWUP_READ),
    ("api/followup/deviations/", "POST"): (
        lambda w, u: {"data": {"measure": 7, "region": w.demo.srm.pk, "kind": "trend",
                               **this_tertial()}},
        row(403, 403, 403, 403, 403, 403, 201, manager=201)),
    ("api/followup/deviations/<int:pk>/", "GET"): (
        lambda w, u: {"pk": followup_record(w)}, FOLLOWUP_READ),
    ("api/followup/deviations/<int:pk>/", "PATCH"): (
        lambda w, u: {"pk": followup_record(w), "data": {
            "owner": w.demo.greta.pk, "finding": "Fler 1A-samtal nattetid", "version": 1}},
        FOLLOWUP_RUN),
    ("api/followup/owners/", "GET"): (lambda w, u: {}, FOLLOWUP_READ),
    # The data the measures need: the telephony integration posts calls as a dispatcher (or
    # their service account); the manager imports call logs and hospital visits (without a
    # file: a 400 saying what to attach) and lists the runs.
    ("api/followup/calls/", "POST"): (
        lambda w, u: {"data": {"call_id": "matrix-1", "line": "112", "region": "VML",
                               "queued_at": "2026-11-05T14:03:12+01:00"}}, DISPATCH_CREATE),
    ("api/followup/imports/", "GET"): (lambda w, u: {}, row(403, 403, 403, 403, 403, 403, 200,
                                                            manager=200)),
    ("api/followup/imports/calls/", "POST"): (
        lambda w, u: {}, row(403, 403, 403, 403, 403, 403, 400, manager=400)),
    ("api/followup/imports/hospital-visits/", "POST"): (
        lambda w, u: {}, row(403, 403, 403, 403, 403, 403, 400, manager=400)),
    ("api/followup/measures/", "GET"): (lambda w, u: {"query": this_tertial()}, FOLLOWUP_READ),
    ("api/followup/stations/", "GET"): (
        lambda w, u: {"query": {"from": "2026-01-01", "to": "2026-04-30"}}, FOLLOWUP_READ),
    # A dispatcher reads their own feedback, the manager everyone's; only its own dispatcher
    # marks a report read (anna's: another's does not exist for the manager either, 404).
    ("api/followup/feedback/", "GET"): (lambda w, u: {}, FOLLOWUP_READ),
    ("api/followup/feedback/<int:pk>/read/", "POST"): (
        lambda w, u: {"pk": feedback_report(w)},
        row(403, 200, 403, 403, 403, 403, 404, manager=404)),
    # Crew reports of threats and violence: the crew from the unit they work on (sara about
    # her assignment; johan's unit has no such assignment: 404; karin joins MVE 1500 and
    # reports without one; an administrator is on no unit: 403); the reviewers read them.
    ("api/safety/reports/", "POST"): (crew_report_spec, row(403, 403, 201, 404, 403, 201, 403)),
    ("api/safety/reports/", "GET"): (lambda w, u: {}, SAFETY_REVIEW),
    ("api/safety/reports/summary/", "GET"): (
        lambda w, u: {"query": {"from": "2026-01-01", "to": "2026-12-31"}}, SAFETY_REVIEW),
    # The log of what partners read and sent: the manager and administrators.
    ("api/safety/exchanges/", "GET"): (lambda w, u: {}, FOLLOWUP_RUN),
    # Risk notices: the reviewers (dispatchers, the manager, administrators) read and write
    # them; a case's notices: the dispatcher everything, the crew sent there the applied ones
    # without background or person (another unit's: 404); a partner its shareable notices
    # (safety.views.partners); deciding whether a notice applies: dispatchers; acknowledging
    # it: the crew on the assignment (tests/safety/test_notice_rights.py).
    ("api/safety/notices/", "GET"): (
        lambda w, u: (notice_world(w), {"query": {"case": w.case_low.pk}})[1],
        row(403, 200, 200, 404, 403, 403, 200, manager=200, partner=200)),
    ("api/safety/notices/", "POST"): (
        lambda w, u: {"data": notice_payload(w)},
        row(403, 201, 403, 403, 403, 403, 201, manager=201, partner=201)),
    ("api/safety/notices/matching/", "GET"): (
        lambda w, u: (notice_world(w, applied=False),
                      {"query": {"latitude": 59.6099, "longitude": 16.5448}})[1], DISPATCH),
    ("api/safety/notices/<int:pk>/", "GET"): (
        lambda w, u: {"pk": notice_world(w).notice.pk}, SAFETY_REVIEW),
    ("api/safety/notices/<int:pk>/", "PATCH"): (
        lambda w, u: {"pk": notice_world(w).notice.pk, "data": {"version": 1,
                                                                 "radius_m": 300}},
        SAFETY_REVIEW),
    ("api/safety/notices/<int:pk>/review/", "POST"): (
        lambda w, u: {"pk": notice_world(w, state="proposed").notice.pk,
                      "data": {"decision": "approve"}}, SAFETY_REVIEW),
    ("api/safety/notices/<int:pk>/withdraw/", "POST"): (
        lambda w, u: {"pk": notice_world(w).notice.pk, "data": {"reason": "Har flyttat"}},
        SAFETY_REVIEW),
    ("api/safety/matches/<int:pk>/decision/", "POST"): (
        lambda w, u: {"pk": notice_world(w, applied=False).match.pk,
                      "data": {"decision": "applied"}}, DISPATCH),
    ("api/safety/matches/<int:pk>/acknowledge/", "POST"): (
        lambda w, u: {"pk": notice_world(w).match.pk,
                      "data": {"assignment": w.assignment.pk}},
        row(403, 403, 200, 404, 403, 403, 404, manager=403)),
    ("api/safety/panic/", "POST"): (
        lambda w, u: {"data": {"idempotency_key": f"panic-{uuid.uuid4().hex}",
                               "latitude": 59.61, "longitude": 16.55}},
        row(403, 403, 201, 201, 403, 403, 403)),
    ("api/safety/panic/", "GET"): (panic_spec(), row(403, 200, 200, 200, 403, 200, 200)),
    ("api/safety/panic/<int:pk>/positions/", "POST"): (
        panic_spec({"latitude": 59.62, "longitude": 16.56}),
        row(403, 403, 204, 404, 403, 403, 403)),
    ("api/safety/panic/<int:pk>/acknowledge/", "POST"): (panic_spec(), PANIC_CONSOLE),
    ("api/safety/panic/<int:pk>/cancel/", "POST"): (
        panic_spec({"reason": "Tryckte av misstag"}), row(403, 403, 200, 404, 403, 403, 403)),
    ("api/safety/panic/<int:pk>/close/", "POST"): (panic_spec({"note": "Polis på plats"}),
                                                   PANIC_CONSOLE),
    # A region's acknowledgement heard by telephone: the centre (dispatchers, TiB,
    # administrators) records it; anyone else 403.
    ("api/incidents/<int:pk>/regions/<int:region_pk>/acknowledge/", "POST"): (
        region_alarm_spec, row(403, 200, 403, 403, 403, 403, 200, tib=200)),
    # The CAP message sent: the centre (dispatchers, TiB, administrators); anyone else 403.
    # Incoming CAP is for the regions' systems, by the region's bearer token: no person's
    # session or token reaches it (401 for every role, nothing to probe).
    ("api/incidents/<int:pk>/cap/", "GET"): (
        cap_message_spec, row(403, 200, 403, 403, 403, 403, 200, tib=200)),
    ("api/incidents/cap/", "POST"): (
        lambda w, u: {"data": {"alert": "not CAP"}},
        row(401, 401, 401, 401, 401, 401, 401, coordinator=401, manager=401, partner=401,
            tib=401)),
    # Pledges: the centre (dispatchers, TiB, administrators) lists them, records what a
    # region pledged and withdraws a pledge; anyone else 403.
    ("api/incidents/<int:pk>/pledges/", "GET"): (
        pledge_spec(), row(403, 200, 403, 403, 403, 403, 200, tib=200)),
    ("api/incidents/<int:pk>/pledges/", "POST"): (
        pledge_spec(), row(403, 201, 403, 403, 403, 403, 201, tib=201)),
    ("api/incidents/<int:pk>/pledges/<int:pledge_pk>/withdraw/", "POST"): (
        pledge_spec(withdraw=True), row(403, 200, 403, 403, 403, 403, 200, tib=200)),
    ("api/incidents/", "GET"): (lambda w, u: (incident_spec()(w, u), {})[1],
                                INCIDENT_ROLES_OK),
    ("api/incidents/", "POST"): (
        lambda w, u: {"data": {"title": "Bussolycka E18", "cases": [w.case_low.pk],
                               "report": {"casualties_total": 12},
                               "idempotency_key": f"incident-{uuid.uuid4().hex}"}},
        row(403, 201, 403, 403, 403, 403, 201, tib=201)),
    ("api/incidents/regions/", "GET"): (lambda w, u: {}, INCIDENT_ROLES_OK),
    ("api/incidents/<int:pk>/", "GET"): (incident_spec(), INCIDENT_ROLES_OK),
    ("api/incidents/<int:pk>/confirm/", "POST"): (incident_spec(), INCIDENT_TIB),
    ("api/incidents/<int:pk>/reject/", "POST"): (
        incident_spec(extra={"reason": "En skadad"}), INCIDENT_TIB),
    ("api/incidents/<int:pk>/stand-down/", "POST"): (
        incident_spec(state="confirmed", extra={"note": "Avslutad"}), INCIDENT_TIB),
    ("api/incidents/<int:pk>/cases/", "POST"): (
        lambda w, u: {**incident_spec()(w, u), "data": {"cases": [w.case_high.pk]}},
        INCIDENT_ROLES_OK),
    # The situation report (METHANE): the centre writes it, the manager reads it too (the
    # follow-up); mass-casualty triage: TiB (a dispatcher is refused by the service: 403);
    # the mode: the crews, mobile care staff and the centre, nothing of the cases; the
    # timeline: the centre and the manager.
    ("api/incidents/<int:pk>/reports/", "GET"): (
        report_spec(), row(403, 200, 403, 403, 403, 403, 200, manager=200, tib=200)),
    ("api/incidents/<int:pk>/reports/", "POST"): (
        report_spec(state="raised", data={"casualties_total": 14, "hazards": "Diesel"}),
        row(403, 201, 403, 403, 403, 403, 201, tib=201)),
    ("api/incidents/<int:pk>/triage/", "POST"): (
        report_spec(data={"active": True, "indicators": ["casualties_exceed_capacity"]}),
        row(403, 403, 403, 403, 403, 403, 200, tib=200)),
    ("api/incidents/mode/", "GET"): (
        lambda w, u: {}, row(403, 200, 200, 200, 403, 200, 200, tib=200)),
    ("api/incidents/<int:pk>/timeline/", "GET"): (
        report_spec(), row(403, 200, 403, 403, 403, 403, 200, manager=200, tib=200)),
    # The API description is public (drf-spectacular's default); it holds no data.
    ("api/schema/", "GET"): (lambda w, u: {}, SIGNED_IN),
    ("api/docs/", "GET"): (lambda w, u: {}, SIGNED_IN),
}

ROUTES = api_routes()


VAPID = generate_keys()


@pytest.fixture(autouse=True)
def vapid_keys(settings):
    settings.VAPID_PRIVATE_KEY = VAPID["private_key"]
    settings.VAPID_PUBLIC_KEY = VAPID["public_key"]
    settings.VAPID_AUTO_GENERATE = False


@pytest.fixture(autouse=True)
def image_store(settings, tmp_path):
    settings.IMAGING_STORAGE_DIR = tmp_path / "images"


@pytest.fixture(autouse=True)
def cap_signing_keys(settings, tmp_path):
    """A confirmation signs its CAP alert: a key of the test's own, never the var directory's."""
    settings.CAP_SIGNING_KEY_FILE = tmp_path / "cap-key.pem"
    settings.CAP_SIGNING_CERT_FILE = tmp_path / "cap-cert.pem"


def forwarded_image(case, by):
    """A processed caller image of `case`, forwarded to the unit on it."""
    from imaging import storage
    from imaging.models import CallerImage, ImageForward, ImageLink, ImageState

    link = ImageLink.objects.create(case=case, phone=CALLER_PHONE, token_hash="0" * 64,
                                    created_by=by, expires_at=case.registered_at,
                                    max_images=5, images_received=1)
    image = CallerImage.objects.create(
        case=case, link=link, upload_id="matrix-0001", state=ImageState.READY,
        display_path=storage.store_bytes("display", b"\xff\xd8\xff\xd9"),
        thumbnail_path=storage.store_bytes("thumbnails", b"\xff\xd8\xff\xd9"),
        display_width=1, display_height=1, thumb_width=1, thumb_height=1, note=IMAGE_NOTE)
    for assignment in case.assignments.all():
        ImageForward.objects.create(image=image, assignment=assignment, forwarded_by=by)
    return image


@pytest.fixture
def world(demo, new_case):
    """A case with sara's unit (AMB 1010) alerted to it, a higher-priority case to redirect
    to, and a case with no unit (to dispatch to and to close)."""
    case_low = new_case(priority="2A", priority_change_reason="Stabil enligt inringare")
    [assignment] = dispatch_services.assignment_dispatch(case=case_low, units=[demo.amb1010],
                                                         by=demo.anna)
    # Anna has opened the case: the access log has the patient's identity number to show.
    access_log_write(user=demo.anna, reason="case opened", refs=[PatientRef(
        patient=case_low.patient_key, case_ref=case_low.reference, object_type="case",
        object_id=str(case_low.pk))])
    device_of = {}
    for user in demo.users.values():
        browser = FakeBrowser()
        subscribe(user, browser, "https://fcm.googleapis.com/fcm/send/" + uuid.uuid4().hex)
        device_of[user.username] = browser.device_id
    call_command("seed_ivpa_demo", stdout=io.StringIO())
    case_arrest = new_case(municipality="Västerås", case_type="cardiac_arrest")
    callout = Callout.objects.get(case=case_arrest)
    Municipality.objects.filter(name="Uppsala").update(auto_alert=False)
    case_manual = new_case(municipality="Uppsala", case_type="cardiac_arrest")
    partner, partner_token = partners_seed()
    demo.polisen = partner.user
    return SimpleNamespace(demo=demo, partner_token=partner_token, case_low=case_low,
                           assignment=assignment,
                           case_high=new_case(), case_free=new_case(), device_of=device_of,
                           sara_device=device_of["sara"], case_arrest=case_arrest,
                           callout=callout, lars_alert=callout.alerts.get(
                               responder__user=demo.lars),
                           case_manual=case_manual,
                           image=forwarded_image(case_low, demo.anna),
                           vasteras=Municipality.objects.get(name="Västerås"))


def client_for(user, token: str = "") -> APIClient:
    """A client signed in as `user`, or carrying the API token `token` (a partner's)."""
    n = uuid.uuid4().int
    client = APIClient(REMOTE_ADDR=f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}")
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    elif user is not None:
        client.force_authenticate(user=user)
    return client


def call(w, route, method, role):
    user = getattr(w.demo, PERSONA[role]) if PERSONA[role] else None
    build, _ = MATRIX[(route, method)]
    spec = build(w, user)
    path = "/" + route.replace("<int:pk>", str(spec.get("pk", 0))).replace(
        "<uuid:device_id>", str(spec.get("device_id", uuid.uuid4()))).replace(
        "<int:mid>", str(spec.get("mid", 0))).replace(
        "<int:region_pk>", str(spec.get("region_pk", 0))).replace(
        "<int:pledge_pk>", str(spec.get("pledge_pk", 0)))
    client = client_for(user, w.partner_token if role == "partner" else "")
    if method == "GET":
        return client.get(path, spec.get("query", {}))
    return getattr(client, method.lower())(path, spec.get("data", {}), format="json")


def test_the_resolver_finds_the_api():
    assert len(ROUTES) >= 25
    assert ("api/cases/<int:pk>/dispatch/", "POST") in ROUTES


@pytest.mark.parametrize(("route", "method"), ROUTES, ids=[f"{m} {r}" for r, m in ROUTES])
def test_role_matrix(world, route, method):
    assert (route, method) in MATRIX, (
        f"{method} /{route} has no entry in the role matrix: decide who may call it and add "
        "it to MATRIX in tests/test_role_matrix.py")
    _, expected = MATRIX[(route, method)]
    assert set(expected) == set(ROLES)
    got, unrecorded = {}, {}
    for role in ROLES:
        # Each role calls against the same world: its changes are rolled back.
        with transaction.atomic():
            mark = log_mark()
            response = call(world, route, method, role)
            got[role] = response.status_code
            if shown := shown_unrecorded(response, since=mark):
                unrecorded[role] = shown
            if response.status_code >= 400 and response.get("Content-Type", "").startswith(
                    "application/json"):
                detail = response.json().get("detail") if isinstance(response.json(),
                                                                    dict) else None
                assert isinstance(detail, str) and detail, (role, response.json())
            transaction.set_rollback(True)
    assert got == expected
    assert unrecorded == {}, (
        f"{method} /{route} shows patient data without writing the access log: answer with "
        "a recorded read (the app's access.py) instead of a plain selector")


def test_the_matrix_lists_no_route_that_does_not_exist():
    assert sorted(set(MATRIX) - set(ROUTES)) == []


@pytest.mark.parametrize("route", sorted({r for r, _ in ROUTES}))
def test_a_method_the_view_does_not_implement_is_405(world, route):
    implemented = {m for r, m in ROUTES if r == route}
    unused = next(m for m in ("DELETE", "PUT", "PATCH", "POST") if m not in implemented)
    path = "/" + route.replace("<int:pk>", str(world.assignment.pk)).replace(
        "<uuid:device_id>", str(world.sara_device)).replace("<int:mid>", "1").replace(
        "<int:region_pk>", "1").replace("<int:pledge_pk>", "1")
    response = getattr(client_for(world.demo.admin), unused.lower())(path, {}, format="json")
    assert response.status_code == 405
