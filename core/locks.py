"""Serialising work on a thing that has no row of its own to lock (a person named by an
identity number or a phone number): PostgreSQL's transaction-level advisory locks, taken in a
stable order so that two transactions never wait on each other crosswise. SQLite serialises
every write transaction already, so there it is nothing."""

import hashlib
from collections.abc import Iterable

from django.db import connection


def advisory_key(scope: str, key: str) -> int:
    """A signed 64-bit number for `scope:key` (what pg_advisory_xact_lock takes)."""
    digest = hashlib.blake2b(f"{scope}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def advisory_xact_lock(*, scope: str, keys: Iterable[str]) -> None:
    """Hold a lock on each of `keys` (empty ones ignored) until the transaction ends: a second
    transaction locking one of them waits. Call inside transaction.atomic."""
    numbers = sorted({advisory_key(scope, k) for k in keys if k})
    if not numbers or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for number in numbers:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])
