from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from .middleware import mark_signed_in

        user_logged_in.connect(mark_signed_in, dispatch_uid="accounts.mark_signed_in")
        user_logged_out.connect(revoke_session_tokens,
                                dispatch_uid="accounts.revoke_session_tokens")


def revoke_session_tokens(sender, request, user, **kwargs) -> None:
    """A session signs out (the API, /logout/, a timeout): the tokens it made end with it.
    Django sends the signal before it flushes the session, so its key is still known."""
    from .services import api_tokens_revoke_for_session

    session = getattr(request, "session", None)
    api_tokens_revoke_for_session(session_key=getattr(session, "session_key", None), by=user)
