"""The crew waiting at a staging point (*brytpunkt*) is woken when the dispatcher lets them in
and no device of theirs saw the release on the socket in time (push, like a new assignment)."""

import pytest

from dispatch.services import assignment_status_change
from dispatch.services.staging import assignment_staging_order, assignment_staging_release

from .helpers import dispatch, fire, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_release_not_seen_on_the_socket_wakes_the_crew(demo, new_case, push_service, browser):
    subscribe(demo.sara, browser, push_service.endpoint("sara-tablet"))
    assignment = dispatch(demo, new_case)
    for status in ("acknowledged", "en_route"):  # the new assignment's wake-up is withdrawn
        assignment = assignment_status_change(assignment=assignment, status=status,
                                              by=demo.sara)
    assignment_staging_order(assignment=assignment, latitude=59.33, longitude=18.06,
                             reason="Vänta på polis", by=demo.anna)
    assignment = assignment_status_change(assignment=assignment, status="at_staging",
                                          by=demo.sara)
    fire(after_seconds=6)
    assert push_service.received == []  # ordering the point and waiting there wake nobody

    assignment_staging_release(assignment=assignment, by=demo.anna)
    fire(after_seconds=6)

    [received] = push_service.wait_for(1)
    body = browser.decrypt(received.body)
    assert body["title"] == "Polisen på plats – kör in"
    assert body["tag"] == f"assignment-{assignment.pk}"
