"""Actions of first-responder alerting, one module per part: municipalities (connecting one
and its rules), responders (sign-up, availability, position), approvals (vetting a
volunteer's training), callouts (start, follow the
case, end), waves (who is alerted next, the stand-down), answers (seen, accept, decline,
arrive) and reports (after the case). Callers use this package: `services.callout_start(...)`.
"""

from .answers import (
    LEGS_TIMER,
    alert_accept,
    alert_arrive,
    alert_decline,
    alert_legs_route,
    alert_seen,
)
from .approvals import responder_approval_reset, responder_approve, responder_revoke
from .callouts import (
    END_TIMER,
    START_RETRY_TIMER,
    START_TIMER,
    SYNC_RETRY_TIMER,
    callout_eligibility,
    callout_end,
    callout_end_for_case,
    callout_exclude_volunteers,
    callout_excluded_flag,
    callout_follow_case,
    callout_record_outcome,
    callout_start,
)
from .municipalities import (
    MUNICIPALITY_FIELDS,
    municipality_connect,
    municipality_disconnect,
    municipality_update,
)
from .reports import alert_report_submit
from .responders import (
    POSITION_INTERVALS,
    responder_for,
    responder_register,
    responder_report_position,
    responder_test_alarm,
    responder_update,
)
from .routed import ROUTE_TIMER, alert_times_route
from .waves import UNIT_KINDS, WAVE_TIMER, callout_next_wave

__all__ = [
    "END_TIMER", "LEGS_TIMER", "MUNICIPALITY_FIELDS", "POSITION_INTERVALS", "ROUTE_TIMER",
    "START_RETRY_TIMER", "START_TIMER", "SYNC_RETRY_TIMER", "UNIT_KINDS", "WAVE_TIMER",
    "alert_accept",
    "alert_arrive", "alert_decline", "alert_legs_route", "alert_report_submit", "alert_seen",
    "alert_times_route", "callout_eligibility", "callout_end",
    "callout_end_for_case", "callout_exclude_volunteers", "callout_excluded_flag",
    "callout_follow_case", "callout_next_wave", "callout_record_outcome", "callout_start",
    "municipality_connect", "municipality_disconnect", "municipality_update",
    "responder_approval_reset", "responder_approve", "responder_for", "responder_register",
    "responder_revoke", "responder_report_position", "responder_test_alarm",
    "responder_update",
]
