"""The assignment status machine: which status may follow which, and who may set it. A staging
point (*brytpunkt*, dispatch/services/staging.py) bends one step: while one is ordered and not
released, en route leads to at staging point and no further; once released, on scene."""

from django.utils.translation import gettext as _

from core.errors import Conflict

from .models import AssignmentStatus as S

FORWARD = {
    S.ALERTED: (S.ACKNOWLEDGED,),
    S.ACKNOWLEDGED: (S.EN_ROUTE,),
    S.EN_ROUTE: (S.AT_STAGING, S.ON_SCENE),
    S.AT_STAGING: (S.ON_SCENE,),
    S.ON_SCENE: (S.TRANSPORTING, S.AVAILABLE),
    S.TRANSPORTING: (S.AT_HOSPITAL,),
    S.AT_HOSPITAL: (S.AVAILABLE,),
}
# Only a dispatcher cancels or redirects, and only before the crew is with the patient.
DISPATCHER_ONLY = {
    S.ALERTED: (S.CANCELLED, S.REDIRECTED),
    S.ACKNOWLEDGED: (S.CANCELLED, S.REDIRECTED),
    S.EN_ROUTE: (S.CANCELLED, S.REDIRECTED),
    S.AT_STAGING: (S.CANCELLED, S.REDIRECTED),
}
# An assignment's staging point: none ordered, ordered and not yet released, released.
STAGING_NONE, STAGING_ORDERED, STAGING_RELEASED = "none", "ordered", "released"
TIMESTAMP_FIELD = {status: f"{status}_at" for status in S.values}


def _ranks() -> dict[str, int]:
    """Each status's step on the longest way from alerted; every end (no move out) shares the
    last rank. Statuses only move forward, so of two views of an assignment the higher rank is
    the newer (the screens merge an event, a fetch and an answer that cross with it)."""
    rank = {S.ALERTED.value: 0}
    for _round in S.values:  # the forward moves have no cycle: settled within |S| rounds
        for status, moves in FORWARD.items():
            for target in moves:
                if status in rank:
                    rank[target] = max(rank.get(target, 0), rank[status] + 1)
    last = max(rank[status] for status in FORWARD) + 1
    return {status: rank[status] if status in FORWARD else last for status in S.values}


STATUS_RANK = _ranks()


def staging_of(assignment) -> str:
    """Where `assignment` stands with its staging point (STAGING_*)."""
    if assignment.staging_ordered_at is None:
        return STAGING_NONE
    return STAGING_RELEASED if assignment.staging_released_at else STAGING_ORDERED


def _forward(status: str, staging: str) -> tuple[str, ...]:
    """The crew waits at an ordered staging point until it is released: at staging point only
    while one is ordered, on scene only when none is waiting."""
    moves = FORWARD.get(status, ())
    if staging == STAGING_ORDERED:
        return tuple(m for m in moves if m != S.ON_SCENE)
    return tuple(m for m in moves if m != S.AT_STAGING)


def allowed_next(status: str, *, dispatcher: bool, staging: str = STAGING_NONE
                 ) -> tuple[str, ...]:
    forward = _forward(status, staging)
    return forward + (DISPATCHER_ONLY.get(status, ()) if dispatcher else ())


def next_step(status: str, *, staging: str = STAGING_NONE) -> str | None:
    """The one large button on the crew tablet (none while waiting at the staging point)."""
    forward = _forward(status, staging)
    return forward[0] if forward else None


def assignment_next_step(assignment) -> str | None:
    return next_step(assignment.status, staging=staging_of(assignment))


def check_transition(current: str, target: str, *, dispatcher: bool,
                     staging: str = STAGING_NONE) -> None:
    allowed = allowed_next(current, dispatcher=dispatcher, staging=staging)
    if target not in S.values:
        raise Conflict(_("Unknown status %(status)r.") % {"status": target},
                       allowed=list(allowed))
    if current == S.AT_STAGING and target == S.ON_SCENE and staging == STAGING_ORDERED:
        raise Conflict(_("Wait at the staging point until the dispatch centre lets you in."),
                       allowed=list(allowed))
    if current == S.EN_ROUTE and target == S.ON_SCENE and staging == STAGING_ORDERED:
        raise Conflict(_("A staging point is ordered: stop there and wait for the police "
                         "(status at staging point)."), allowed=list(allowed))
    if target not in allowed:
        label = lambda value: S(value).label.lower()  # noqa: E731
        names = ", ".join(label(a) for a in allowed) if allowed else _(
            "none (the assignment has ended)")
        raise Conflict(
            _("Cannot go from %(current)s to %(target)s. Allowed now: %(allowed)s.")
            % {"current": label(current), "target": label(target), "allowed": names},
            allowed=list(allowed),
        )
