"""Targets (*målvärden*) and follow-up records of deviations (*avvikelseuppföljning*): the
manager's actions. A target in force is never changed or removed (the reports of its periods
keep it): a new one is set from a later day. A flagged deviation taken up for follow-up is one
record per flag, whoever opens it first; its owner, finding, action and closing change with
the version it was read at, so two managers cannot overwrite each other."""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import reads_followup
from core.errors import Conflict, Invalid
from crews.models import Region

from ..measures.periods import FIRST_YEAR, tertial_parse
from ..models import (
    DeviationFollowUp,
    DeviationKind,
    Measure,
    MeasureTarget,
    TargetComparison,
)

# Measures given in seconds; the others are shares (0–1).
SECONDS_MEASURES = (Measure.ANSWER_TO_ALERT_1A, Measure.ANSWER_TIME_PRIORITISED)


class FollowUpChanged(Conflict):
    """A change made on an older version of a follow-up record (409)."""


def measure_checked(measure) -> Measure:
    """`measure` as a Measure, or a 400 that lists the seven."""
    try:
        return Measure(int(measure))
    except (TypeError, ValueError):
        raise Invalid(_("Choose a measure from 1 to 7.")) from None


def tertial_checked(year, tertial) -> tuple[int, int]:
    """A tertial (*tertial*: January–April, May–August, September–December) that has begun."""
    period = tertial_parse(year, tertial)
    if period.first_day > timezone.localdate():
        raise Invalid(_("%(label)s has not begun: choose a tertial from %(first)s to today.")
                      % {"label": period.label, "first": FIRST_YEAR})
    return period.year, period.tertial


def _target_value_checked(measure: Measure, value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise Invalid(_("Give the target as a number.")) from None
    if value != value or value < 0:  # NaN or below zero
        raise Invalid(_("A target cannot be below zero."))
    if measure not in SECONDS_MEASURES and value > 1:
        raise Invalid(_("Measure %(measure)s is a share: give the target between 0 and 1 "
                        "(0.95 for 95 %%).") % {"measure": int(measure)})
    return value


def target_check(*, measure: int, region: Region | None, comparison: str, value: float,
                 valid_from: date) -> tuple[Measure, float]:
    """The rules of a new target (target_set, the admin's form): the measure and the value
    as they are stored."""
    measure = measure_checked(measure)
    if comparison not in TargetComparison.values:
        raise Invalid(_("Say whether the figure should be at most or at least the target."))
    value = _target_value_checked(measure, value)
    if valid_from < timezone.localdate():
        raise Invalid(_("A target applies from today at the earliest: the reports of past "
                        "periods keep the targets they had."))
    same = MeasureTarget.objects.filter(measure=measure, valid_from=valid_from)
    same = same.filter(region__isnull=True) if region is None else same.filter(region=region)
    if same.exists():
        raise Invalid(_("Measure %(measure)s already has a target for %(where)s from "
                        "%(day)s: remove it first, or choose another day.")
                      % {"measure": int(measure), "day": valid_from,
                         "where": region.name if region else _("every region")})
    return measure, value


@transaction.atomic
def target_set(*, measure: int, region: Region | None, comparison: str, value: float,
               valid_from: date, note: str = "", by) -> MeasureTarget:
    """Set a measure's target (*målvärde*) from a day on, for every region (`region` None) or
    one. It begins today at the earliest: a report already made keeps the target of its
    period."""
    measure, value = target_check(measure=measure, region=region, comparison=comparison,
                                  value=value, valid_from=valid_from)
    try:
        with transaction.atomic():
            return MeasureTarget.objects.create(
                measure=measure, region=region, comparison=comparison, value=value,
                valid_from=valid_from, note=(note or "").strip()[:200], set_by=by)
    except IntegrityError:  # set by someone else a moment ago
        raise Invalid(_("Measure %(measure)s already has a target for that region from "
                        "%(day)s.") % {"measure": int(measure), "day": valid_from}) from None


def target_delete(*, target: MeasureTarget, by) -> None:
    """Remove a target that is not yet in force (a mistake, a plan changed). One in force is
    kept: the reports of its periods use it."""
    deleted, _rows = MeasureTarget.objects.filter(
        pk=target.pk, valid_from__gt=timezone.localdate()).delete()
    if not deleted:
        raise Conflict(_("This target has been in force since %(day)s and past reports use "
                         "it: set a new target from a later day instead.")
                       % {"day": target.valid_from})


def _flag_in_report(*, measure: int, region: Region, year: int, tertial: int,
                    kind: str) -> tuple[float | None, float | None, float | None]:
    """The region's figure in the tertial's report, and the figure and p-value of the
    deviation of `kind` flagged there (None when it was not flagged)."""
    from ..selectors import tertial_report

    report = tertial_report(year=year, tertial=tertial)
    for item in report["measures"]:
        if item["measure"] != measure:
            continue
        for figure in item["regions"]:
            if figure["region"] != region.pk:
                continue
            flag = next((d for d in figure["deviations"] if d["kind"] == kind), None)
            return (figure["value"], flag["compared_with"] if flag else None,
                    flag["p_value"] if flag else None)
    return None, None, None


def deviation_followup_open(*, measure: int, region: Region, year: int, tertial: int,
                            kind: str, by) -> tuple[DeviationFollowUp, bool]:
    """Take a deviation up for follow-up (*öppna avvikelse*): the region's figure, the figure
    it deviated from and the test's p-value are copied from the tertial's report as they are
    now. A second open of the same flag gives the record already there. Returns (record,
    whether it was made now)."""
    measure = measure_checked(measure)
    year, tertial = tertial_checked(year, tertial)
    if kind not in DeviationKind.values:
        raise Invalid(_("Say which deviation: against the other regions or against the "
                        "previous tertials."))
    key = {"measure": measure, "region": region, "year": year, "tertial": tertial,
           "kind": kind}
    existing = DeviationFollowUp.objects.filter(**key).first()
    if existing is not None:
        return existing, False
    observed, compared_with, p_value = _flag_in_report(
        measure=measure, region=region, year=year, tertial=tertial, kind=kind)
    try:
        with transaction.atomic():
            record = DeviationFollowUp.objects.create(
                **key, observed=observed, compared_with=compared_with, p_value=p_value,
                opened_by=by, opened_at=timezone.now())
    except IntegrityError:  # opened by someone else a moment ago
        return DeviationFollowUp.objects.get(**key), False
    return record, True


def owner_checked(owner):
    """A follow-up record's owner: someone who reads the follow-up (a manager, a dispatcher,
    an administrator), by user or id; None for nobody."""
    if owner is None or owner == "":
        return None
    user = owner if hasattr(owner, "pk") else get_user_model().objects.filter(
        pk=owner if str(owner).isdigit() else 0).first()
    if user is None or not user.is_active or user.is_service_account \
            or not reads_followup(user):
        raise Invalid(_("The owner must be a manager, a dispatcher or an administrator of "
                        "the centre: choose one from the list."))
    return user


UNCHANGED = object()


@transaction.atomic
def deviation_followup_update(*, record: DeviationFollowUp, version: int, by,
                              owner=UNCHANGED, finding=UNCHANGED, action=UNCHANGED,
                              closed=UNCHANGED) -> DeviationFollowUp:
    """Change a follow-up record: its owner, what was found, what was done; close it (when,
    by whom) or open it again. Made on `version`: an older one is refused (409), one
    conditional UPDATE, so two managers saving at once cannot both win."""
    current = DeviationFollowUp.objects.get(pk=record.pk)
    values = {}
    if owner is not UNCHANGED:
        values["owner"] = owner_checked(owner)
    if finding is not UNCHANGED:
        values["finding"] = (finding or "").strip()
    if action is not UNCHANGED:
        values["action"] = (action or "").strip()
    if closed is not UNCHANGED:
        if closed and current.closed_at is None:
            values.update(closed_at=timezone.now(), closed_by=by)
        elif not closed and current.closed_at is not None:
            values.update(closed_at=None, closed_by=None)
    if values.get("closed_at", current.closed_at) and not values.get("finding",
                                                                     current.finding):
        raise Invalid(_("Write what was found before closing the follow-up."))
    changed = DeviationFollowUp.objects.filter(pk=record.pk, version=version).update(
        **values, version=version + 1)
    if not changed:
        raise FollowUpChanged(_("Someone else changed this follow-up meanwhile: read it "
                                "again and make your change on what it says now."))
    record.refresh_from_db()
    return record
