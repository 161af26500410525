"""Sign-in lockout: failures are counted per user name and lock it for a while."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import LoginThrottle


def login_locked_until(*, username: str):
    """The time until which the name is locked, or None."""
    throttle = LoginThrottle.objects.filter(username=username.lower()).first()
    if throttle and throttle.locked_until and throttle.locked_until > timezone.now():
        return throttle.locked_until
    return None


def login_failure_record(*, username: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(
            username=username.lower()
        )
        LoginThrottle.objects.filter(pk=throttle.pk).update(
            failures=F("failures") + 1, last_failure_at=now
        )
        throttle.refresh_from_db()
        if throttle.failures >= settings.LOGIN_MAX_FAILURES:
            throttle.locked_until = now + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
            throttle.failures = 0
            throttle.save(update_fields=["locked_until", "failures"])


def login_success_record(*, username: str) -> None:
    LoginThrottle.objects.filter(username=username.lower()).delete()
