from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.db.models.signals import post_delete, post_save, pre_save

        from .middleware import mark_signed_in
        from .models import ApiToken, User

        user_logged_in.connect(mark_signed_in, dispatch_uid="accounts.mark_signed_in")
        user_logged_out.connect(revoke_session_tokens,
                                dispatch_uid="accounts.revoke_session_tokens")
        pre_save.connect(note_credentials_change, sender=User,
                         dispatch_uid="accounts.note_credentials_change")
        post_save.connect(end_changed_credentials, sender=User,
                          dispatch_uid="accounts.end_changed_credentials")
        post_delete.connect(announce_deleted, sender=ApiToken,
                            dispatch_uid="accounts.announce_deleted_token")
        post_delete.connect(announce_deleted, sender=User,
                            dispatch_uid="accounts.announce_deleted_user")
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


def note_credentials_change(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before a user is saved: whether its password changes (which ends the sessions signed
    in with the old one: accounts.sessions) or the account is deactivated."""
    instance._credentials_change = None
    if raw or instance.pk is None or (
            update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["password"] != instance.password:
        instance._credentials_change = "password"
    elif before["is_active"] and not instance.is_active:
        instance._credentials_change = "deactivated"


def end_changed_credentials(sender, instance, **kwargs) -> None:
    """A password changed: the tokens tied to the user's sessions are revoked; either change
    makes the user's sockets check again (those of an ended session close)."""
    from .services import api_tokens_revoke_for_password, credentials_ended_send

    change, instance._credentials_change = getattr(instance, "_credentials_change", None), None
    if change == "password":
        api_tokens_revoke_for_password(user_id=instance.pk)
    elif change == "deactivated":
        credentials_ended_send(user_ids=[instance.pk])


def announce_deleted(sender, instance, **kwargs) -> None:
    """A token (the administrator's list only revokes them, but a user's deletion takes its
    tokens with it) or a user was deleted: the sockets signed in with it close."""
    from .services import credentials_ended_send

    credentials_ended_send(user_ids=[getattr(instance, "user_id", instance.pk)])
