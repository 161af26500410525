"""What a push and an SMS share on their way out: the send happens after commit, in the
sending pool, with a watchdog timer that sends again if the process is lost; a claim lasts
one lease; a retry waits longer each time."""

from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from timers.services import timer_schedule

from .. import sender


def send_lease() -> timedelta:
    """How long one send may take before its watchdog sends it again."""
    return timedelta(seconds=max(settings.PUSH_TIMEOUT_SECONDS, settings.SMS_TIMEOUT_SECONDS)
                     + 5)


def send_claim(queryset, *, pk: int, now) -> bool:
    """Claim one row to send (a push delivery, an SMS) with a conditional UPDATE: one winner
    across processes, and a claim whose lease passed (the sender died) may be taken again."""
    return queryset.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), pk=pk,
    ).update(claimed_until=now + send_lease(), attempts=F("attempts") + 1) == 1


def retry_backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    delay = min(settings.PUSH_RETRY_SECONDS * 2 ** max(0, attempts - 1),
                settings.PUSH_RETRY_MAX_SECONDS)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return timedelta(seconds=delay)


def send_after_commit(kind: str, key: str, payload: dict, send, **kwargs) -> None:
    """Send after commit, with a watchdog timer that sends again if this send is lost with
    its process (a retry or the watchdog firing comes back here through `*_resume`)."""
    timer_schedule(kind=kind, key=key,
                   due_at=timezone.now() + send_lease() + timedelta(seconds=1),
                   payload=payload)
    sender.after_commit(send, **kwargs)
