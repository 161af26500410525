"""Accounts' actions: sign-in lockout (lockout) and integration tokens (tokens)."""

from .lockout import (
    Refusal,
    client_address,
    login_failure_record,
    login_locks_lift,
    login_refusal,
    login_success_record,
)
from .tokens import (
    api_token_authenticate,
    api_token_issue,
    api_token_live_until,
    api_token_revoke,
    api_token_service_issue,
    api_tokens_revoke_for_password,
    api_tokens_revoke_for_session,
    credentials_ended_send,
)

__all__ = [
    "Refusal", "api_token_authenticate", "api_token_issue", "api_token_live_until",
    "api_token_revoke", "api_token_service_issue", "api_tokens_revoke_for_password",
    "api_tokens_revoke_for_session", "client_address", "credentials_ended_send",
    "login_failure_record", "login_locks_lift", "login_refusal", "login_success_record",
]
