"""The after-commit thread pool shared by push and imaging."""

import threading

from core.background import BackgroundPool


def test_work_runs_in_a_named_thread_and_can_be_waited_for():
    seen = []
    gate = threading.Event()
    pool = BackgroundPool("test-pool", lambda: 2)

    def work(value):
        gate.wait(5)
        seen.append((value, threading.current_thread().name.startswith("test-pool")))

    pool.submit(work, value=1)
    assert not pool.wait_idle(0.05)  # still running
    gate.set()
    assert pool.wait_idle(5)
    assert seen == [(1, True)]


def test_with_no_threads_work_runs_inline():
    seen = []
    BackgroundPool("inline", lambda: 0).submit(lambda value: seen.append(value), value=7)
    assert seen == [7]


def test_a_failure_is_logged_and_does_not_stop_the_pool(caplog):
    pool = BackgroundPool("failing", lambda: 1)

    def broken():
        raise RuntimeError("push service down")

    seen = []
    pool.submit(broken)
    pool.submit(lambda: seen.append("after"))
    assert pool.wait_idle(5)
    assert seen == ["after"]
    assert "push service down" in caplog.text
