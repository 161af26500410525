"""One call and what followed it: the call, the case, its priority edits and its dispatches,
drawn from `shares` for a moment of the history. Units are booked so that none has two
assignments at once."""

import heapq
import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from core.identity_numbers import pin_key
from dispatch.models import (
    PRIORITY_ONE,
    AssignmentStatus,
    CallSource,
    CaseStatus,
    CaseType,
    Priority,
)

from . import shares as S
from .pins import pin_draw, pin_retyped
from .world import Place, World

REFERENCE_PREFIX = "H-"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _lognormal(rng: random.Random, median_sigma: tuple[float, float]) -> float:
    median, sigma = median_sigma
    return rng.lognormvariate(math.log(median), sigma)


def _weighted(rng: random.Random, pairs) -> object:
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, weight in pairs:
        x -= weight
        if x < 0:
            return value
    return pairs[-1][0]


def _band(priority: str) -> str:
    if priority in PRIORITY_ONE:
        return "one"
    return "two" if priority in (Priority.P2A, Priority.P2B) else "three"


@dataclass
class Later:
    """A call to come: a referred person's recontact (same person, same place)."""

    place: Place
    pin: str
    priority: str
    within_24h: bool


@dataclass
class Batch:
    """What has been drawn and not yet written: rows as dicts by column (attname), their
    ids given here (the writer inserts them as they are)."""

    calls: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)
    assignments: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    visits: list[dict] = field(default_factory=list)


@dataclass
class Counts:
    calls: int = 0
    cases: int = 0
    referrals: int = 0
    recontacts: int = 0
    recontacts_24h: int = 0
    assignments: int = 0
    changes: int = 0
    visits: int = 0


class HistoryDraw:
    """Draws the history in time order (`case_draw` for each moment, earliest first)."""

    def __init__(self, world: World, rng: random.Random, *, until: datetime, ids: dict,
                 run_id: int, now: datetime):
        self.world, self.rng, self.until = world, rng, until
        self.ids, self.run_id, self.now = ids, run_id, now  # ids: the last id of each table
        self.busy = {u.pk: EPOCH for u in world.units}
        self.batch, self.counts = Batch(), Counts()
        self.later: list = []  # heap of (at, sequence, Later)
        self.sequence = 0
        self.frequent: list[tuple[Place, str]] = []
        self.visit_keys: set[tuple[str, datetime]] = set()
        self.cum_weights = list(itertools.accumulate(d.weight for d in world.dispatchers))

    def _id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    # -- what comes later -------------------------------------------------------------------
    def later_add(self, at: datetime, later: Later) -> None:
        if at < self.until:
            self.sequence += 1
            heapq.heappush(self.later, (at, self.sequence, later))

    def later_due(self, before: datetime) -> list[tuple[datetime, Later]]:
        due = []
        while self.later and self.later[0][0] < before:
            at, _, later = heapq.heappop(self.later)
            due.append((at, later))
        return due

    def visit_add(self, *, key: str, at: datetime, admitted: bool, hospital: str) -> None:
        if at >= self.until or (key, at) in self.visit_keys:
            return
        self.visit_keys.add((key, at))
        self.batch.visits.append({
            "id": self._id("visits"), "person_key": key, "arrived_at": at, "admitted": admitted,
            "hospital": hospital, "import_run_id": self.run_id})
        self.counts.visits += 1

    # -- one call ---------------------------------------------------------------------------
    def abandoned_draw(self, at: datetime) -> None:
        """A call queued and hung up before it was answered: a call without a case."""
        place = self.rng.choice(self.world.places)
        self.counts.calls += 1
        self.batch.calls.append({
            "id": self._id("calls"), "call_id": f"{REFERENCE_PREFIX}{self.counts.calls:08d}",
            "line": f"{place.region.code} 112", "prioritised": False,
            "region_id": place.region_id, "queued_at": at, "answered_at": None,
            "source": CallSource.IMPORT, "received_at": self.now})

    def _priorities(self, later: Later | None) -> tuple[str, str, str]:
        rng = self.rng
        if later is not None:
            mbs = later.priority
            case_type = _weighted(rng, S.TYPES[Priority.P1B if mbs == Priority.P1A else mbs])
            if case_type == CaseType.CARDIAC_ARREST:
                case_type = CaseType.BREATHING_DIFFICULTY
            return mbs, mbs, case_type
        mbs = _weighted(rng, list(S.MBS_SHARES.items()))
        case_type = _weighted(rng, S.TYPES[mbs])
        if case_type == CaseType.CARDIAC_ARREST:
            return mbs, mbs, case_type
        chosen = mbs
        if rng.random() < S.CHOSEN_DIFFERS:
            chosen = _weighted(rng, S.CHOSEN_MOVES[mbs])
        return mbs, chosen, case_type

    def _person(self, place: Place, at: datetime, referral: bool,
                later: Later | None) -> tuple[Place, str]:
        rng = self.rng
        if later is not None:
            return later.place, pin_retyped(rng, later.pin)
        if self.frequent and rng.random() < S.FREQUENT_CALLER:
            known_place, pin = rng.choice(self.frequent)
            return known_place, pin_retyped(rng, pin)
        if not referral and rng.random() > S.PIN_KNOWN:
            return place, ""
        pin = pin_draw(rng, on=at.date())
        if len(self.frequent) < 300 and rng.random() < 0.01:
            self.frequent.append((place, pin))
        return place, pin

    def case_draw(self, at: datetime, tertial: int, *, later: Later | None = None) -> dict:
        """The call answered at about `at`, its case and dispatches."""
        rng, world = self.rng, self.world
        mbs, chosen, case_type = self._priorities(later)
        referral = chosen == Priority.REFERRAL
        place, pin = self._person(rng.choice(world.places), at, referral, later)
        region = place.region
        code = region.code
        dispatcher = rng.choices(world.dispatchers, cum_weights=self.cum_weights)[0]
        band = _band(chosen)
        prioritised = rng.random() < S.PRIORITISED_LINE.get(chosen, S.PRIORITISED_LINE_OTHER)
        factor = S.ANSWER_FACTOR.get((code, tertial), 1.0) * S.REGION_FACTOR.get(code, 1.0)
        answer_s = _lognormal(rng, S.ANSWER_PRIORITISED if prioritised else S.ANSWER_OTHER)
        answered = at + timedelta(seconds=round(answer_s * factor, 1))

        # The time to the first alert, and registration before it.
        if chosen == Priority.P1A:
            slow = S.ALERT_FACTOR.get((code, tertial), 1.0) * dispatcher.speed
            alert_s = min(S.ALERT_1A_BASE + _lognormal(rng, S.ALERT_1A) * slow, S.ALERT_1A_MAX)
        elif referral:
            alert_s = None
        else:
            alert_s = _lognormal(rng, S.ALERT[chosen]) * dispatcher.speed
        register_s = _lognormal(rng, S.REGISTER["referral" if referral else
                                             "one" if band == "one" else "other"])
        if alert_s is not None:
            register_s = min(register_s, alert_s * 0.8)
        registered = answered + timedelta(seconds=round(register_s, 1))

        self.counts.calls += 1
        self.counts.cases += 1
        call = {
            "id": self._id("calls"), "call_id": f"{REFERENCE_PREFIX}{self.counts.calls:08d}",
            "line": f"{code} {'prioriterad' if prioritised else '112'}",
            "prioritised": prioritised, "region_id": place.region_id, "queued_at": at,
            "answered_at": answered, "operator_id": dispatcher.user_id,
            "operator_name": dispatcher.name, "source": CallSource.IMPORT,
            "received_at": self.now}
        reason = ""
        if chosen != mbs and rng.random() < dispatcher.reason_rate:
            reason = rng.choice(S.REASONS)
        case = {
            "id": self._id("cases"),
            "reference": f"{REFERENCE_PREFIX}{code}-{at:%y%m%d}-{self.counts.cases:07d}",
            "region_id": place.region_id, "status": CaseStatus.CLOSED,
            "caller_number": f"+467017406{rng.randint(0, 99):02d}", "address": place.address,
            "municipality": place.municipality, "municipality_code": place.municipality_code,
            "latitude": place.latitude, "longitude": place.longitude,
            "complaint": rng.choice(S.COMPLAINTS[case_type]), "case_type": case_type,
            "mbs_priority": mbs, "priority": chosen, "priority_change_reason": reason,
            "is_prioritised_line": prioritised, "personal_identity_number": pin,
            "pin_key": pin_key(pin), "call_id": call["id"], "call_received_at": at,
            "call_answered_at": answered, "registered_at": registered, "version": 1,
            "created_by_id": dispatcher.user_id}
        self.batch.calls.append(call)
        self.batch.cases.append(case)

        if referral:
            self._referral(case, place)
            return case
        alert = answered + timedelta(seconds=round(alert_s, 1))
        first_priority, changed = chosen, registered
        if rng.random() < S.CHANGED_AFTER and chosen in S.STEP:
            first_priority, changed = self._change(case, dispatcher, alert)
        ended = self._dispatch(case, place, alert, first_priority, case_type, dispatcher)
        case["closed_at"] = max(ended, changed) + timedelta(seconds=rng.randint(60, 600))
        if later is not None:
            self.counts.recontacts += 1
            self.counts.recontacts_24h += later.within_24h
            self._recontact_visit(case)
        return case

    def _change(self, case: dict, dispatcher, alert: datetime) -> tuple[str, datetime]:
        """A priority edited after registration; returns the priority at the first alert and
        the moment of the edit."""
        rng = self.rng
        at = case["registered_at"] + timedelta(seconds=rng.randint(30, 1200))
        old, new = case["priority"], rng.choice(S.STEP[case["priority"]])
        reason = rng.choice(S.REASONS) if rng.random() < dispatcher.reason_rate else ""
        self.batch.changes.append({
            "id": self._id("changes"), "case_id": case["id"], "field": "priority",
            "old_value": old, "new_value": new, "reason": reason, "changed_at": at,
            "changed_by_id": dispatcher.user_id})
        self.counts.changes += 1
        case["priority"], case["version"] = new, case["version"] + 1
        if reason:
            case["priority_change_reason"] = reason
        return (new if at < alert else old), at

    # -- dispatches -------------------------------------------------------------------------
    def _unit_pick(self, place: Place, at: datetime, *, second: bool = False, taken=()):
        """The first free unit of the nearest stations (a helicopter only as a second unit,
        far out); if none is free, the one of them free soonest (the alert waits for it)."""
        world, busy = self.world, self.busy
        soonest = None
        for rank, station in enumerate(place.stations):
            km = place.station_km[rank]
            for unit in world.units_at[station]:
                if unit.pk in taken:
                    continue
                if unit.helicopter and not (second and km > 30):
                    continue
                if busy[unit.pk] <= at:
                    return unit, at, km
                if soonest is None or busy[unit.pk] < soonest[1]:
                    soonest = (unit, busy[unit.pk], km)
        return soonest

    def _dispatch(self, case: dict, place: Place, alert: datetime, first_priority: str,
                  case_type: str, dispatcher) -> datetime:
        rng = self.rng
        unit, alert, km = self._unit_pick(place, alert)
        case["first_alert_at"], case["first_alert_priority"] = alert, first_priority
        band = _band(case["priority"])
        transport_p = S.TRANSPORT_BY_TYPE.get(case_type, S.TRANSPORT[band])
        ended = self._assignment(case, place, unit, alert, km, band, transport_p, case_type,
                                 dispatcher)
        second = S.SECOND_UNIT.get(case_type, S.SECOND_UNIT_OTHER_1A
                                   if first_priority == Priority.P1A else 0.0)
        if rng.random() < second:
            picked = self._unit_pick(place, alert + timedelta(seconds=rng.randint(5, 60)),
                                     second=True, taken={unit.pk})
            if picked is not None:
                other, at, km2 = picked
                ended = max(ended, self._assignment(case, place, other, at, km2, band,
                                                    S.TRANSPORT_SECOND_UNIT, case_type,
                                                    dispatcher))
        return ended

    def _assignment(self, case, place, unit, alert, km, band, transport_p, case_type,
                    dispatcher) -> datetime:
        rng = self.rng
        speed_band = "one" if band == "one" else "other"
        stamps = {"alerted_at": alert}
        t = alert + timedelta(seconds=round(_lognormal(rng, S.ACK), 1))
        stamps["acknowledged_at"] = t
        t += timedelta(seconds=round(_lognormal(rng, S.TURNOUT[speed_band]), 1))
        stamps["en_route_at"] = t
        if unit.helicopter:
            drive = km / S.SPEED_KMH["helicopter"] * 3600 + 300
        else:
            drive = (km * S.ROAD_FACTOR / S.SPEED_KMH[speed_band] * 3600 + 60)
        t += timedelta(seconds=round(drive * rng.lognormvariate(0, 0.25), 1))
        stamps["on_scene_at"] = t
        status = AssignmentStatus.AVAILABLE
        hospital = None
        if rng.random() < S.CANCELLED:
            cancel = alert + (t - alert) * rng.uniform(0.1, 0.9)
            stamps = {k: v for k, v in stamps.items() if v <= cancel}
            stamps["cancelled_at"] = cancel
            status, ended = AssignmentStatus.CANCELLED, cancel
        else:
            scene = _lognormal(rng, S.ON_SCENE)
            if case_type == CaseType.EVENT:
                scene = rng.uniform(1.5, 4) * 3600
            if rng.random() < transport_p:
                hospital = self.world.hospitals[place.hospital]
                t += timedelta(seconds=round(scene, 1))
                stamps["transporting_at"] = t
                ride = place.hospital_km * S.ROAD_FACTOR / 70 * 3600 + 120
                t += timedelta(seconds=round(ride * rng.lognormvariate(0, 0.2), 1))
                stamps["at_hospital_at"] = t
                t += timedelta(seconds=round(_lognormal(rng, S.HANDOVER), 1))
            else:
                t += timedelta(seconds=round(scene * 1.2, 1))
            stamps["available_at"] = t
            ended = t
        self.busy[unit.pk] = ended
        self.batch.assignments.append({
            "id": self._id("assignments"), "case_id": case["id"], "unit_id": unit.pk,
            "status": status, "status_changed_at": ended,
            "destination": hospital["name"] if hospital and not hospital["pk"] else "",
            "destination_hospital_id": hospital["pk"] if hospital else None,
            "hospital_name": hospital["name"] if hospital else "",
            "created_by_id": dispatcher.user_id, **stamps})
        self.counts.assignments += 1
        return ended

    # -- referrals --------------------------------------------------------------------------
    def _referral(self, case: dict, place: Place) -> None:
        """A referral (*hänvisning*): closed without an ambulance; some call again, some go to
        the emergency department on their own."""
        rng = self.rng
        self.counts.referrals += 1
        registered, pin, key = (case["registered_at"], case["personal_identity_number"],
                                case["pin_key"])
        case["referred_to"] = _weighted(rng, S.REFERRED_TO)
        case["closed_at"] = registered + timedelta(seconds=rng.randint(60, 480))
        hospital = self.world.hospitals[place.hospital]["name"]
        u = rng.random()
        if u < S.RECONTACT_24H:
            at = registered + timedelta(seconds=rng.randint(3600, 23 * 3600))
            self.later_add(at, Later(place, pin,
                                     Priority.P1A if rng.random() < 0.3 else Priority.P1B,
                                     within_24h=True))
            return
        if u < S.RECONTACT_24H + S.RECONTACT_LATER:
            at = registered + timedelta(seconds=rng.randint(25 * 3600, 72 * 3600))
            self.later_add(at, Later(place, pin, rng.choice([Priority.P1B, Priority.P2A]),
                                     within_24h=False))
            return
        u = rng.random()
        if u < S.VISIT_3D:
            at = registered + timedelta(seconds=rng.randint(2 * 3600, 71 * 3600))
            self.visit_add(key=key, at=at, hospital=hospital,
                           admitted=rng.random() < S.VISIT_ADMITTED)
        elif u < S.VISIT_3D + S.VISIT_LATER:
            at = registered + timedelta(seconds=rng.randint(73 * 3600, 144 * 3600))
            self.visit_add(key=key, at=at, hospital=hospital,
                           admitted=rng.random() < S.VISIT_ADMITTED)

    def _recontact_visit(self, case: dict) -> None:
        """A referred person brought in by ambulance: the hospital's record of the arrival."""
        for assignment in self.batch.assignments[::-1]:
            if assignment["case_id"] != case["id"]:
                break
            if assignment.get("at_hospital_at"):
                self.visit_add(key=case["pin_key"], at=assignment["at_hospital_at"],
                               hospital=assignment["hospital_name"],
                               admitted=self.rng.random() < S.RECONTACT_ADMITTED)
                return
