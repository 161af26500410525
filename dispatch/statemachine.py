"""The assignment status machine: which status may follow which, and who may set it."""

from django.utils.translation import gettext as _

from core.errors import Conflict

from .models import AssignmentStatus as S

FORWARD = {
    S.ALERTED: (S.ACKNOWLEDGED,),
    S.ACKNOWLEDGED: (S.EN_ROUTE,),
    S.EN_ROUTE: (S.ON_SCENE,),
    S.ON_SCENE: (S.TRANSPORTING, S.AVAILABLE),
    S.TRANSPORTING: (S.AT_HOSPITAL,),
    S.AT_HOSPITAL: (S.AVAILABLE,),
}
# Only a dispatcher cancels or redirects, and only before the crew is with the patient.
DISPATCHER_ONLY = {
    S.ALERTED: (S.CANCELLED, S.REDIRECTED),
    S.ACKNOWLEDGED: (S.CANCELLED, S.REDIRECTED),
    S.EN_ROUTE: (S.CANCELLED, S.REDIRECTED),
}
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


def allowed_next(status: str, *, dispatcher: bool) -> tuple[str, ...]:
    forward = FORWARD.get(status, ())
    return forward + (DISPATCHER_ONLY.get(status, ()) if dispatcher else ())


def next_step(status: str) -> str | None:
    """The one large button on the crew tablet."""
    forward = FORWARD.get(status, ())
    return forward[0] if forward else None


def check_transition(current: str, target: str, *, dispatcher: bool) -> None:
    if target not in S.values:
        raise Conflict(_("Unknown status %(status)r.") % {"status": target}, allowed=list(
            allowed_next(current, dispatcher=dispatcher)))
    allowed = allowed_next(current, dispatcher=dispatcher)
    if target not in allowed:
        label = lambda value: S(value).label.lower()  # noqa: E731
        names = ", ".join(label(a) for a in allowed) if allowed else _(
            "none (the assignment has ended)")
        raise Conflict(
            _("Cannot go from %(current)s to %(target)s. Allowed now: %(allowed)s.")
            % {"current": label(current), "target": label(target), "allowed": names},
            allowed=list(allowed),
        )
