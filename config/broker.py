"""The Celery broker's transport: kombu's Redis transport with one fix, so that the worker
survives a Redis restart.

The bug (since kombu#1733, up to 5.7.0, the newest release): a worker whose connection to
Redis breaks while a BRPOP is waiting for a reply (a free pool slot) and a task runs (its
message delivered, with `acks_late` not yet acknowledged) died with `CRITICAL Unrecoverable
error: AttributeError("'NoneType' object has no attribute 'hostname'")`:

1. The consumer notices the loss on another socket of the connection (the remote control's
   or gossip's subscription) and calls `Connection.collect()`.
2. `collect()` closes the default channel (the task consumer's). Since kombu#1733 ("Prevent
   redis task loss when closing connection while in poll") `Channel.close()` first reads the
   pending BRPOP reply; on a dead socket that read raises `ConnectionError`, and close() stops
   there: the channel stays open, with its unacknowledged message. `collect()` ignores the
   error and clears the transport's client (`transport.client = None`).
3. Celery then calls `connection.close()`, which closes the default channel again; this time
   it gets as far as restoring the unacknowledged message, which needs a new Redis pool, whose
   parameters come from `transport.client.hostname`: the AttributeError, which is not a
   connection error, so it escapes celery's `ignore_errors` and stops the worker (the same
   AttributeError as kombu#582, there on a gossip channel closed after its connection).

The upstream fix is two lines in `kombu.transport.redis.Channel.close`:

        if self._in_poll:
            try:
                self._brpop_read()
            except Empty:
                pass
   +        except self.connection_errors:
   +            pass  # the connection is gone, and the reply with it

A dead connection has no reply left to read (what kombu#1733 protects is a reply on a live
connection at a graceful close), so the channel can close at once, in step 2, while its
transport can still restore. The wrapper below does the same in front of kombu's own close():
the read clears `_in_poll` whatever it raises, so kombu's close() then skips its own read. It
changes nothing else, so it stays right if kombu fixes the bug (the read is then just done
once, here). tests/cluster/test_worker_redis_restart.py shows the crash without it.
"""

import functools
from queue import Empty

from kombu.transport import redis as kombu_redis


def close_without_waiting_for_a_dead_brpop(close):
    @functools.wraps(close)
    def wrapper(self):
        if self._in_poll:
            try:
                self._brpop_read()
            except Empty:
                pass
            except self.connection_errors:
                pass  # the connection is gone, and the reply with it
        return close(self)

    wrapper.larmkedjan_fix = True
    return wrapper


def fix_redis_channel_close() -> None:
    """Install the fix above on kombu's Redis channel (once)."""
    channel = kombu_redis.Channel
    if not getattr(channel.close, "larmkedjan_fix", False):
        channel.close = close_without_waiting_for_a_dead_brpop(channel.close)
