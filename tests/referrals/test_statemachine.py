"""The referral state machine (referrals.statemachine): the one table the services claim a
referral by and the serializer offers the screens' buttons from."""

import pytest

from referrals.models import OPEN_STATES, Outcome, Party
from referrals.models import ReferralState as S
from referrals.statemachine import MOVES, UNANSWERED, actions_for, responsible_after, sources

ENDS = {S.DECLINED, S.WITHDRAWN, S.VISITED}


def test_every_state_is_reached_and_only_the_open_ones_have_moves_out():
    assert {m.target for m in MOVES.values()} == set(S.values)
    with_moves_out = {s for m in MOVES.values() for s in m.sources}
    assert with_moves_out == set(OPEN_STATES) == set(S.values) - ENDS
    assert set(UNANSWERED) <= set(OPEN_STATES)


@pytest.mark.parametrize(("state", "role", "actions"), [
    (S.SENT, "unit", ["accept", "decline"]),
    (S.ACCEPTED, "unit", ["outcome"]),
    (S.SENT, "dispatcher", ["withdraw"]),
    (S.ACCEPTED, "dispatcher", ["withdraw"]),
    *[(state, role, []) for state in ENDS for role in ("unit", "dispatcher")],
    (S.SENT, None, []),
])
def test_the_buttons_are_the_moves_of_the_role_from_the_state(state, role, actions):
    assert actions_for(state, role) == actions


def test_a_withdrawal_without_a_reason_starts_only_from_unanswered():
    assert sources("withdraw") == (S.SENT, S.ACCEPTED)
    assert sources("withdraw", with_reason=False) == UNANSWERED == (S.SENT,)
    assert sources("accept", with_reason=False) == sources("accept") == (S.SENT,)


def test_who_is_responsible_after_each_move_agrees_with_the_rows_constraint():
    # Referral's check constraint: accepted → the unit; sent, declined, withdrawn → the
    # centre; visited → either (the outcome decides).
    expected = {S.ACCEPTED: Party.UNIT, S.SENT: Party.CENTRE, S.DECLINED: Party.CENTRE,
                S.WITHDRAWN: Party.CENTRE}
    for action, move in MOVES.items():
        if move.target in expected:
            assert responsible_after(action) == expected[move.target], action
    assert responsible_after("outcome", outcome=Outcome.NEEDS_AMBULANCE) == Party.CENTRE
    assert responsible_after("outcome", outcome=Outcome.TREATED_AT_HOME) == Party.UNIT
    assert responsible_after("outcome", outcome=Outcome.REFERRED_ON) == Party.UNIT
