"""Where pushes and SMS are sent: after commit, in a small pool of threads.

Neither the timer loop (embedded shape) nor the Celery worker waits on a push service, and no
database transaction is open while one is asked. A send that is lost with its process (a
crash between commit and send) is not lost for good: every delivery has a watchdog timer that
sends it again.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from core.background import BackgroundPool

_senders = BackgroundPool("push-send", lambda: settings.PUSH_SEND_THREADS)


def submit(func: Callable, **kwargs) -> None:
    """Run func(**kwargs) in the sending pool (inline when PUSH_SEND_THREADS is 0)."""
    _senders.submit(func, **kwargs)


def after_commit(func: Callable, **kwargs) -> None:
    transaction.on_commit(lambda: submit(func, **kwargs))


def wait_idle(timeout: float = 10.0) -> bool:
    """Wait until every send submitted so far (and any it submitted) has finished."""
    return _senders.wait_idle(timeout)
