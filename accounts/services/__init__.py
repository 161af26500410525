"""Accounts' actions: sign-in lockout (lockout) and integration tokens (tokens)."""

from .lockout import (
    Refusal,
    address_trusted,
    client_address,
    login_failure_record,
    login_locks_lift,
    login_refusal,
    login_success_record,
)
from .tokens import (
    api_token_authenticate,
    api_token_issue,
    api_token_live,
    api_token_revoke,
    api_token_service_issue,
    api_tokens_revoke_for_session,
    key_digest,
)

__all__ = [
    "Refusal", "address_trusted", "api_token_authenticate", "api_token_issue",
    "api_token_live", "api_token_revoke", "api_token_service_issue",
    "api_tokens_revoke_for_session", "client_address", "key_digest", "login_failure_record",
    "login_locks_lift", "login_refusal", "login_success_record",
]
