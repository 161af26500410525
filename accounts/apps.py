from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from .middleware import mark_signed_in

        user_logged_in.connect(mark_signed_in, dispatch_uid="accounts.mark_signed_in")
        user_logged_out.connect(revoke_session_tokens,
                                dispatch_uid="accounts.revoke_session_tokens")
        checks.register(trusted_networks_checked, checks.Tags.security)


def trusted_networks_checked(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A mistyped LOGIN_TRUSTED_NETWORKS would fail every sign-in: `manage.py check` and
    `migrate` (which an upgrade runs) say so first."""
    import ipaddress

    from django.conf import settings

    problems = []
    for network in settings.LOGIN_TRUSTED_NETWORKS:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            problems.append(checks.Error(
                f"LOGIN_TRUSTED_NETWORKS: {network!r} is not a network (e.g. 10.20.0.0/16).",
                id="accounts.E001"))
    return problems


def revoke_session_tokens(sender, request, user, **kwargs) -> None:
    """A session signs out (the API, /logout/, a timeout): the tokens it made end with it.
    Django sends the signal before it flushes the session, so its key is still known."""
    from .services import api_tokens_revoke_for_session

    session = getattr(request, "session", None)
    api_tokens_revoke_for_session(session_key=getattr(session, "session_key", None), by=user)
