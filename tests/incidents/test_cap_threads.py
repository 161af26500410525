"""CAP validation from many threads at once (requests run in a pool of threads, and the
regions' CAP messages arrive together): each thread has a schema of its own. With one shared
lxml schema, 37-53 of these 2,400 checks gave another thread's answer, and in CI two threads
crashed the process (a segmentation fault in `cap_errors`)."""

import threading

from incidents.cap.validate import CapInvalid, cap_schema, cap_validate
from tests.live import wait_until

VALID = b"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>larmkedjan-threads-1</identifier><sender>amk@example.se</sender>
  <sent>2026-12-07T17:00:00+01:00</sent><status>Exercise</status><msgType>Alert</msgType>
  <scope>Public</scope>
  <info><category>Health</category><event>Test</event><urgency>Immediate</urgency>
  <severity>Severe</severity><certainty>Observed</certainty></info>
</alert>"""
NO_SENDER = VALID.replace(b"<sender>amk@example.se</sender>", b"")


def test_eight_threads_validating_at_once_each_get_their_own_answer():
    wrong = []

    def check_many():
        for i in range(300):
            valid = bool(i % 2)
            try:
                cap_validate(VALID if valid else NO_SENDER)
                right = valid
            except CapInvalid as exc:
                right = not valid and "sender" in str(exc)
            if not right:
                wrong.append(i)

    threads = [threading.Thread(target=check_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    wait_until(lambda: not any(thread.is_alive() for thread in threads),
               what="eight threads validating CAP")
    assert wrong == []


def test_a_thread_keeps_its_schema_and_another_thread_has_its_own():
    seen = []
    thread = threading.Thread(target=lambda: seen.append(cap_schema()))
    thread.start()
    wait_until(lambda: not thread.is_alive(), what="a thread building its schema")
    assert cap_schema() is cap_schema()
    assert seen and seen[0] is not cap_schema()
