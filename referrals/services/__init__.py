"""Actions on referrals and on mobile care units' profiles, one module per part: profiles
(what a unit offers), sending (the dispatcher's referral), moves (accept, decline,
withdraw), outcome (the visit; 'needs ambulance' opens a new case), deadlines (the two
stored timers), and claims (how every move is made: one conditional UPDATE on the state,
exactly one row or a 409). Callers use this package: `services.referral_accept(...)`.
"""

from .deadlines import (
    ACCEPT_TIMER,
    DEADLINE_TIMER,
    referral_deadline_passed,
    referral_mark_overdue,
)
from .moves import (
    referral_accept,
    referral_decline,
    referral_withdraw,
    referral_withdraw_for_closed_case,
)
from .outcome import AMBULANCE_PRIORITIES, referral_record_outcome
from .profiles import PROFILE_FIELDS, profile_of, profile_update
from .sending import referral_send

__all__ = [
    "ACCEPT_TIMER", "AMBULANCE_PRIORITIES", "DEADLINE_TIMER", "PROFILE_FIELDS", "profile_of",
    "profile_update", "referral_accept", "referral_deadline_passed", "referral_decline",
    "referral_mark_overdue", "referral_record_outcome", "referral_send", "referral_withdraw",
    "referral_withdraw_for_closed_case",
]
