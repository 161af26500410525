"""A hand-computed reference world for the tertial report: small enough to check on paper.

The report asked for is T1 2026 (2026-01-01 – 2026-04-30, Europe/Stockholm); its window
holds T1 2025, T2 2025 (empty: nothing at all), T3 2025 and T1 2026. Every case is named
(V = Västmanland, U = Uppsala, S = Sörmland, R = referral, F = the case after a referral,
P = an earlier tertial) and test_reference.py writes out each figure with its arithmetic.

Times: `answered` is when the call was answered (case.call_answered_at), `alert` seconds
after it (first_alert_at). Case types are "other" unless said.
"""

from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from core.identity_numbers import pin_key
from dispatch.models import Assignment, AssignmentStatus, Call, Case, CaseChange, CaseType
from followup.models import DeviationFollowUp, HospitalVisit, MeasureTarget

LOCAL = ZoneInfo("Europe/Stockholm")
# Personal identity numbers (valid checksums) of the referred people.
PIN_A, PIN_B, PIN_C, PIN_E = "19121212-1212", "19400101-0006", "19500505-0005", "19600606-0001"


def at(year, month, day, hour=0, minute=0, second=0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=LOCAL)


class World:
    def __init__(self, demo):
        self.demo = demo
        self.units = iter(sorted(demo.units.values(), key=lambda u: u.call_sign))
        self.unit = next(self.units)

    def case(self, region, registered, *, mbs, priority, alert=None, fap=None, answer=10,
             prioritised=False, reason="", case_type=CaseType.OTHER, pin="", call=None,
             version=1, latitude=None, longitude=None, municipality=""):
        """A case registered at `registered`, its call answered 30 s before, received
        `answer` s before that; first alerted `alert` s after the answer at `fap` (the
        chosen priority unless given; "" for an imported record without it)."""
        answered = registered - timedelta(seconds=30)
        return Case.objects.create(
            region=region, caller_number="+46701740600", address="Stora torget 1",
            municipality=municipality,
            latitude=latitude or 59.6, longitude=longitude or 16.5, complaint="Test",
            case_type=case_type, mbs_priority=mbs, priority=priority,
            priority_change_reason=reason, is_prioritised_line=prioritised,
            personal_identity_number=pin, call=call,
            call_received_at=answered - timedelta(seconds=answer), call_answered_at=answered,
            registered_at=registered,
            first_alert_at=None if alert is None else answered + timedelta(seconds=alert),
            first_alert_priority=(priority if fap is None else fap) if alert is not None else "",
            version=version, created_by=self.demo.anna)

    def assignment(self, case, *, status=AssignmentStatus.AVAILABLE, transported=False,
                   unit=None):
        alerted = case.first_alert_at or case.registered_at
        return Assignment.objects.create(
            case=case, unit=unit or self.unit, status=status, alerted_at=alerted,
            status_changed_at=alerted + timedelta(minutes=50),
            transporting_at=alerted + timedelta(minutes=30) if transported else None,
            created_by=self.demo.anna)

    def change(self, case, field, old, new, *, reason="", minutes=5):
        return CaseChange.objects.create(
            case=case, field=field, old_value=old, new_value=new, reason=reason,
            changed_at=case.registered_at + timedelta(minutes=minutes),
            changed_by=self.demo.anna)

    def call(self, region, queued, *, answer=None, prioritised=True, call_id):
        return Call.objects.create(
            call_id=call_id, region=region, prioritised=prioritised, queued_at=queued,
            answered_at=None if answer is None else queued + timedelta(seconds=answer))


def reference_world(demo) -> SimpleNamespace:
    w = World(demo)
    vml, upp, srm = demo.vml, demo.upp, demo.srm
    day = at(2026, 2, 10, 8)

    # --- Västmanland, T1 2026 ---
    v1 = w.case(vml, day, mbs="1A", priority="1A", alert=60, prioritised=True, answer=3,
                case_type=CaseType.CHEST_PAIN)
    w.assignment(v1, transported=True)
    v2 = w.case(vml, day + timedelta(hours=1), mbs="1A", priority="1A", alert=90,
                case_type=CaseType.TRAUMA)
    w.assignment(v2)
    w.assignment(v2, status=AssignmentStatus.CANCELLED)
    # V3: its linked call was answered 70 s before the case's own answer time: measure 1 runs
    # from the call (100 s), not from the case's field (30 s). Alerted at 1A, then changed
    # to 2A with a reason: no change at registration, one change after.
    c6 = w.call(vml, day + timedelta(hours=2) - timedelta(seconds=30 + 70 + 100), answer=100,
                prioritised=False, call_id="ref-c6")
    v3 = w.case(vml, day + timedelta(hours=2), mbs="1A", priority="2A", alert=30, fap="1A",
                call=c6, reason="Bättre information", version=2)
    w.change(v3, "priority", "1A", "2A", reason="Bättre information")
    w.change(v3, "priority_change_reason", "", "Bättre information")
    w.assignment(v3)
    # V4: an imported record without first_alert_priority: dispatched at its priority, 1A.
    v4 = w.case(vml, day + timedelta(hours=3), mbs="1B", priority="1A", alert=120, fap="",
                reason="Uppgraderad")
    w.assignment(v4, transported=True)
    w.assignment(v4, status=AssignmentStatus.REDIRECTED)
    v5 = w.case(vml, day + timedelta(hours=4), mbs="1A", priority="2B", alert=300, version=2)
    w.change(v5, "address", "Gatan 1", "Gatan 2")
    w.assignment(v5)
    # V6: never alerted; registered at 2B, changed to 2A with a blank reason.
    v6 = w.case(vml, day + timedelta(hours=5), mbs="1B", priority="2A", reason="Lugnt läge",
                version=2)
    w.change(v6, "priority", "2B", "2A", reason="  ")
    # V7: registered at 1B (reason "Osäker"), alerted at 1B, changed to 1A ("Försämring").
    v7 = w.case(vml, day + timedelta(hours=6), mbs="1A", priority="1A", alert=5, fap="1B",
                reason="Försämring", case_type=CaseType.CARDIAC_ARREST, version=2)
    w.change(v7, "priority", "1B", "1A", reason="Försämring")
    w.change(v7, "priority_change_reason", "Osäker", "Försämring")
    w.assignment(v7)
    v8 = w.case(vml, day + timedelta(hours=7), mbs="1A", priority="1A")
    v9 = w.case(vml, day + timedelta(hours=8), mbs="1B", priority="1B", alert=40,
                case_type=CaseType.ALLERGIC_REACTION)
    w.assignment(v9)
    v10 = w.case(vml, day + timedelta(hours=9), mbs="1B", priority="1B", alert=40,
                 case_type=CaseType.EVENT)
    w.assignment(v10)
    # Västmanland's call log, T1 2026: prioritised answered in 5, 10, 10, 30 s; one never
    # answered; c6 above is on an ordinary line.
    for i, answer in enumerate((5, 10, 10, 30, None)):
        w.call(vml, day + timedelta(days=1, minutes=i), answer=answer, call_id=f"ref-c{i + 1}")

    # Referrals (Västmanland, T1 2026) and what followed.
    r_day = at(2026, 3, 2, 12)
    r1 = w.case(vml, r_day, mbs="referral", priority="referral", pin=PIN_A)
    # F1: exactly 24 h later, dispatched at 1B: a recontact (the boundary counts).
    f1 = w.case(vml, r_day + timedelta(hours=24), mbs="1B", priority="1B", alert=60, pin=PIN_A)
    r2 = w.case(vml, r_day + timedelta(hours=1), mbs="referral", priority="referral", pin=PIN_B)
    # F2: 24 h and 1 s later (in Sörmland), at 1B: too late.
    f2 = w.case(srm, r2.registered_at + timedelta(hours=24, seconds=1), mbs="1B", priority="1B",
                alert=30, pin=PIN_B)
    r3 = w.case(vml, r_day + timedelta(hours=2), mbs="referral", priority="referral", pin=PIN_C)
    # F3: 2 h later (in Uppsala) but at 2A: not priority 1.
    f3 = w.case(upp, r3.registered_at + timedelta(hours=2), mbs="2A", priority="2A", alert=200,
                pin=PIN_C)
    # R4: no identity number (not counted by 5 and 6); registered at "referral" though MBS
    # said 3: a change at registration, with its reason.
    r4 = w.case(vml, r_day + timedelta(hours=3), mbs="3", priority="referral",
                reason="Hänvisad till mobil vårdenhet")
    HospitalVisit.objects.create(person_key=pin_key(PIN_A), arrived_at=r1.registered_at
                                 + timedelta(hours=72), admitted=True)  # exactly 3 days: counts
    HospitalVisit.objects.create(person_key=pin_key(PIN_B), arrived_at=r2.registered_at
                                 + timedelta(hours=10), admitted=False)  # not admitted
    HospitalVisit.objects.create(person_key=pin_key(PIN_C), arrived_at=r3.registered_at
                                 + timedelta(hours=72, seconds=1), admitted=True)  # too late

    # --- Uppsala, T1 2026 ---
    # U4 is registered at local midnight on 1 January (23:00 UTC on 31 December): T1 2026.
    u1 = w.case(upp, day, mbs="1A", priority="1A", alert=50, prioritised=True, answer=4)
    u2 = w.case(upp, day + timedelta(hours=1), mbs="1A", priority="1A", alert=50,
                prioritised=True, answer=6)
    u3 = w.case(upp, day + timedelta(hours=2), mbs="1A", priority="1A", alert=50,
                prioritised=True, answer=8)
    u4 = w.case(upp, at(2026, 1, 1, 0, 0, 30), mbs="1A", priority="1A", alert=80, answer=2)
    w.assignment(u1, transported=True)
    # Measure 4 counts assignments: U1's second ambulance came free without transport (one of
    # U1's two counts); U2's mobile care unit never transports: left out.
    w.assignment(u1, unit=demo.units["AMB 1020"])
    w.assignment(u2, transported=True)
    w.assignment(u2, unit=demo.units["MVE 1500"])

    # --- Sörmland, T1 2026 ---
    # S1 lies in Västerås (across the border) but was registered to Sörmland: it counts there.
    s1 = w.case(srm, day, mbs="1A", priority="1A", alert=45, latitude=59.6099,
                longitude=16.5448, municipality="Västerås")
    w.assignment(s1)
    # S2: registered at the console from a prioritised line, without a call log: the console
    # sets received = answered (0 s), which says nothing of the queue: not in measure 2.
    s2 = w.case(srm, day + timedelta(hours=1), mbs="2A", priority="2A", prioritised=True,
                answer=0)

    # --- Earlier tertials (Västmanland) ---
    p1 = w.case(vml, at(2025, 2, 3, 10), mbs="1A", priority="1A", alert=70, prioritised=True,
                answer=12)
    r0 = w.case(vml, at(2025, 4, 30, 20), mbs="referral", priority="referral", pin=PIN_E)
    # Arrives in T2 2025, within 3 days of T1 2025's end: T1 2025 has hospital data.
    HospitalVisit.objects.create(person_key=pin_key(PIN_E), arrived_at=at(2025, 5, 2, 10),
                                 admitted=True)
    # P3: one second before T1 2026 (local); its prioritised line's 99 s is not used, as
    # Västmanland has a call log in T3 2025 (14 s).
    p3 = w.case(vml, at(2025, 12, 31, 23, 59, 59), mbs="1A", priority="1A", alert=80,
                prioritised=True, answer=99)
    w.call(vml, at(2025, 10, 1, 9), answer=14, call_id="ref-t3")

    # --- Targets ---
    # Measure 3: at most 0.30 since 2022, at most 0.15 from 1 March 2026 (mid-period: the
    # latter is in force at the end), and one from 1 May 2026 (after the period: ignored).
    MeasureTarget.objects.create(measure=3, comparison="at_most", value=0.30,
                                 valid_from=at(2022, 1, 1).date())
    MeasureTarget.objects.create(measure=3, comparison="at_most", value=0.15,
                                 valid_from=at(2026, 3, 1).date())
    MeasureTarget.objects.create(measure=3, comparison="at_most", value=0.5,
                                 valid_from=at(2026, 5, 1).date())
    # Measure 1: Uppsala's own target (60 s) beats the all-regions 80 s.
    MeasureTarget.objects.create(measure=1, region=upp, comparison="at_most", value=60,
                                 valid_from=at(2025, 1, 1).date())
    record = DeviationFollowUp.objects.create(
        measure=1, region=vml, year=2026, tertial=1, kind="region", opened_by=demo.greta,
        opened_at=at(2026, 5, 5))
    return SimpleNamespace(**{k: v for k, v in locals().items() if k not in ("w", "demo")})
