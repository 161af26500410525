"""Sign-in lockout (*inloggningsspärr*): failures are counted per user name and per address.

- A name: after LOGIN_MAX_FAILURES failures (from anywhere), each further try on that name
  must wait 2^k seconds after the last failure (1, 2, 4, ...), never more than
  LOGIN_DELAY_MAX_SECONDS. Guessing one password from many addresses is slowed down, and
  nobody can lock a dispatcher out of the console for long.
- An address: after LOGIN_ADDRESS_MAX_FAILURES failures (on any names) it is shut out for
  LOGIN_LOCKOUT_SECONDS. One address guessing is stopped for long, whatever names it tries.
- Addresses in LOGIN_TRUSTED_NETWORKS (the centre's own network) are never delayed or shut
  out; their failures still count on the name.

Failures further apart than LOGIN_LOCKOUT_SECONDS start the count again; a successful
sign-in clears its name's count (never an address's: a guesser with an account of their own
could otherwise reset it). An administrator lifts a delay or a lock in the Django admin.
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from ..models import LoginThrottle

Kind = LoginThrottle.Kind


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in is refused before its password is checked, and until when."""

    kind: str  # LoginThrottle.Kind: the name waits, or the address is shut out
    until: datetime


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
    if _address_trusted(address):
        return None
    now = timezone.now()
    keys = [(Kind.NAME, username.lower())] + ([(Kind.ADDRESS, address)] if address else [])
    found = [t for t in LoginThrottle.objects.filter(key__in=[k for _, k in keys],
                                                      locked_until__gt=now)
             if (t.kind, t.key) in keys]
    if not found:
        return None
    longest = max(found, key=lambda t: t.locked_until)
    return Refusal(kind=longest.kind, until=longest.locked_until)


def _name_delay(failures: int) -> int:
    """Seconds a name waits after its latest failure: 0 before LOGIN_MAX_FAILURES, then
    1, 2, 4, ... up to LOGIN_DELAY_MAX_SECONDS."""
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
    """Count a wrong password (or an unknown name) on the name and on the address."""
    now = timezone.now()
    with transaction.atomic():
        name = _count(Kind.NAME, username.lower(), now)
        delay = _name_delay(name.failures)
        name.locked_until = now + timedelta(seconds=delay) if delay else None
        name.save()
        if not address or _address_trusted(address):
            return
        place = _count(Kind.ADDRESS, address, now)
        if place.failures >= settings.LOGIN_ADDRESS_MAX_FAILURES:
            place.locked_until = now + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
            place.failures = 0
        place.save()


def login_success_record(*, username: str) -> None:
    LoginThrottle.objects.filter(kind=Kind.NAME, key=username.lower()).delete()


def login_locks_lift(*, throttles) -> int:
    """An administrator lifts delays and locks (the admin's action): their counts start
    again from nothing."""
    deleted, _ = LoginThrottle.objects.filter(pk__in=[t.pk for t in throttles]).delete()
    return deleted
