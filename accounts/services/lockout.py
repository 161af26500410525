"""Sign-in lockout (*inloggningsspärr*): failures are counted per user name from an address,
per address, and per user name.

- A name from an address: after LOGIN_MAX_FAILURES failures of that name from that address,
  each further try of it from there must wait 2^k seconds after the last failure (1, 2, 4,
  ...), never more than LOGIN_DELAY_MAX_SECONDS. The wait is that address's only: guesses
  from elsewhere never hold up the dispatcher at their own console (a name-wide wait let a
  few addresses keep a name waiting for as long as they liked).
- An address: after LOGIN_ADDRESS_MAX_FAILURES failures (on any names) it is shut out for
  LOGIN_LOCKOUT_SECONDS. One address guessing is stopped for long, whatever names it tries.
- A name: its failures from anywhere are counted for the administrator (the Django admin's
  list) and logged at WARNING each LOGIN_ADDRESS_MAX_FAILURES of them; they delay nobody.
- Addresses in LOGIN_TRUSTED_NETWORKS (the centre's own network) are never delayed or shut
  out; their failures still count on the name.

Failures further apart than LOGIN_LOCKOUT_SECONDS start a count again; a successful sign-in
clears its name's count from that address (never an address's: a guesser with an account of
their own could otherwise reset it). An administrator lifts a wait or a lock in the admin.
"""

import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from ..models import LoginThrottle

Kind = LoginThrottle.Kind
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in is refused before its password is checked, and until when."""

    kind: str  # LoginThrottle.Kind: the name waits at this address, or the address is shut out
    until: datetime


def _name_from(username: str, address: str) -> str:
    """The key of a name's failures from an address (a user name holds no space)."""
    return f"{address} {username.lower()}"


def client_address(request) -> str:
    """The address a request comes from, as the API's rate limits see it (REMOTE_ADDR, or
    the client's entry of X-Forwarded-For behind NUM_PROXIES proxies)."""
    if request is None:
        return ""
    return BaseThrottle().get_ident(request) or ""


def _address_trusted(address: str) -> bool:
    """Whether the address is on a network in LOGIN_TRUSTED_NETWORKS."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False)
               for net in settings.LOGIN_TRUSTED_NETWORKS)


def login_refusal(*, username: str, address: str) -> Refusal | None:
    """Whether a sign-in of this name from this address must wait (None: try the password)."""
    if not address or _address_trusted(address):
        return None
    now = timezone.now()
    keys = [(Kind.NAME_FROM, _name_from(username, address)), (Kind.ADDRESS, address)]
    found = [t for t in LoginThrottle.objects.filter(key__in=[k for _, k in keys],
                                                      locked_until__gt=now)
             if (t.kind, t.key) in keys]
    if not found:
        return None
    longest = max(found, key=lambda t: t.locked_until)
    return Refusal(kind=longest.kind, until=longest.locked_until)


def _name_delay(failures: int) -> int:
    """Seconds a name waits at an address after its latest failure there: 0 before
    LOGIN_MAX_FAILURES, then 1, 2, 4, ... up to LOGIN_DELAY_MAX_SECONDS."""
    over = failures - settings.LOGIN_MAX_FAILURES
    if over < 0:
        return 0
    return min(2 ** min(over, 30), settings.LOGIN_DELAY_MAX_SECONDS)


def _count(kind: str, key: str, now: datetime) -> LoginThrottle:
    throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(kind=kind, key=key)
    window = timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    if throttle.last_failure_at and now - throttle.last_failure_at > window:
        throttle.failures = 0
    throttle.failures += 1
    throttle.last_failure_at = now
    return throttle


def login_failure_record(*, username: str, address: str) -> None:
    """Count a wrong password (or an unknown name) on the name, on the name from this
    address and on the address."""
    now = timezone.now()
    with transaction.atomic():
        name = _count(Kind.NAME, username.lower(), now)
        name.locked_until = None  # a name-wide wait is no longer kept (before 0006)
        name.save()
        if name.failures % settings.LOGIN_ADDRESS_MAX_FAILURES == 0:
            logger.warning("Sign-in: %d failures on the user name %r within %d s (from every "
                           "address)", name.failures, username.lower(),
                           settings.LOGIN_LOCKOUT_SECONDS)
        if not address or _address_trusted(address):
            return
        pair = _count(Kind.NAME_FROM, _name_from(username, address), now)
        delay = _name_delay(pair.failures)
        pair.locked_until = now + timedelta(seconds=delay) if delay else None
        pair.save()
        place = _count(Kind.ADDRESS, address, now)
        if place.failures >= settings.LOGIN_ADDRESS_MAX_FAILURES:
            place.locked_until = now + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
            place.failures = 0
        place.save()


def login_success_record(*, username: str, address: str) -> None:
    """The right password: the name's count from this address starts again."""
    LoginThrottle.objects.filter(kind=Kind.NAME_FROM,
                                 key=_name_from(username, address)).delete()


def login_locks_lift(*, throttles) -> int:
    """An administrator lifts delays and locks (the admin's action): their counts start
    again from nothing."""
    deleted, _ = LoginThrottle.objects.filter(pk__in=[t.pk for t in throttles]).delete()
    return deleted
