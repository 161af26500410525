from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_migrate

from accounts.signals import credentials_ended


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = "Event stream"

    def ready(self) -> None:
        from . import timers

        post_migrate.connect(timers.ensure_purge_scheduled, sender=self)
        user_logged_out.connect(_revalidate_on_sign_out, dispatch_uid="realtime-sign-out")
        credentials_ended.connect(_revalidate_on_credentials_ended,
                                  dispatch_uid="realtime-credentials-ended")


def _revalidate_on_sign_out(sender, request, user, **kwargs) -> None:
    """Django sends user_logged_out before it deletes the session: the sockets of that session
    are told which one ended, rather than left to find it still there."""
    if user is not None:
        from .services import subscriptions_revalidate

        session = getattr(request, "session", None)
        subscriptions_revalidate(user_id=user.pk,
                                 ended_session=getattr(session, "session_key", None))


def _revalidate_on_credentials_ended(sender, user_ids, **kwargs) -> None:
    """Tokens were revoked or deleted, a password changed, an account was deactivated or
    deleted: those users' sockets check again, and one whose token or session ended closes."""
    from .services import subscriptions_revalidate

    for user_id in user_ids:
        subscriptions_revalidate(user_id=user_id)
