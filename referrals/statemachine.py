"""The referral state machine (*hänvisning*): which move leads from which state to which, who
makes it, and who is responsible for the patient after it.

The services claim a referral with a conditional UPDATE on a move's `sources`; the serializer
lists the moves the person asking may make now (`actions_for`, the screens' buttons). Both
read this table, so a button is never offered for a move the service would refuse.

  ──send──▶ sent ──accept──▶ accepted ──outcome──▶ visited
             │ ╲                 │
             │  decline          withdraw (with a reason: the unit holds the patient)
             │    ▼              ▼
             │  declined      withdrawn
             └──withdraw──────▲
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from .models import OPEN_STATES, Outcome, Party
from .models import ReferralState as S

# Who makes a move: the same names as the serializer's `role` context.
DISPATCHER = "dispatcher"
UNIT = "unit"

# The unit has not answered yet: the accept timer watches these, closing the case withdraws.
UNANSWERED: tuple[str, ...] = (S.SENT,)


@dataclass(frozen=True)
class Move:
    action: str  # the API's name for it, and the button's
    sources: tuple[str, ...]
    target: str
    by: str
    # Who holds the patient after the move (None: it depends on the visit's outcome).
    responsible: str | None
    # What the move is called in a refusal ("… accept it before you %(action)s").
    verb: str = ""
    # From these sources only with a reason: the unit, which holds the patient, is told why.
    reason_from: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """The one state a single-source move starts from (what its history row records)."""
        (only,) = self.sources
        return only


MOVES: dict[str, Move] = {move.action: move for move in (
    # The dispatcher refers the patient: a new referral, the centre still responsible.
    Move("send", (), S.SENT, DISPATCHER, Party.CENTRE),
    Move("accept", UNANSWERED, S.ACCEPTED, UNIT, Party.UNIT, gettext_lazy("accept it")),
    Move("decline", UNANSWERED, S.DECLINED, UNIT, Party.CENTRE, gettext_lazy("decline it")),
    Move("outcome", (S.ACCEPTED,), S.VISITED, UNIT, None, gettext_lazy("record the visit")),
    Move("withdraw", tuple(OPEN_STATES), S.WITHDRAWN, DISPATCHER, Party.CENTRE,
         gettext_lazy("withdraw it"), reason_from=(S.ACCEPTED,)),
)}


def sources(action: str, *, with_reason: bool = True) -> tuple[str, ...]:
    """The states a move may start from: the conditional UPDATE's expected states. Without a
    reason a move starts only from the states that need none."""
    move = MOVES[action]
    return tuple(s for s in move.sources if with_reason or s not in move.reason_from)


def responsible_after(action: str, *, outcome: str | None = None) -> str:
    """The party responsible once the move is made (seed 003: the last to handle the patient):
    after a visit the centre when the patient needs an ambulance, else the unit."""
    move = MOVES[action]
    if move.responsible is not None:
        return move.responsible
    return Party.CENTRE if outcome == Outcome.NEEDS_AMBULANCE else Party.UNIT


def actions_for(state: str, role: str | None) -> list[str]:
    """The moves `role` (dispatcher or unit) may make from `state` now."""
    return [m.action for m in MOVES.values() if m.by == role and state in m.sources]
