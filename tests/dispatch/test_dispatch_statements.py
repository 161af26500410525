"""A dispatch is the path every second counts on (issue 18): at most 12 statements reach the
database before the commit that sends the crew its assignment, the request's own included
(its sign-in, BEGIN, savepoints), for one unit, signed in either way the API is used: the
console's session and an integration's token. Counted in both databases (the suite runs
in the embedded and in the production shape)."""

import pytest
from django.db import connection
from django.test import Client

from accounts.services import api_token_issue
from dispatch.models import Assignment
from realtime.models import Event
from timers.models import Timer

BUDGET = 12


def statements_until_commit(request) -> tuple[list[str], object]:
    """(every statement up to the first COMMIT, the response). PostgreSQL's BEGIN is sent
    by the driver, not as a statement Django runs: it is counted as one."""
    seen: list[str] = []
    real_commit = connection.commit

    def commit():
        seen.append("COMMIT")
        return real_commit()

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    connection.commit = commit
    try:
        with connection.execute_wrapper(wrapper):
            response = request()
    finally:
        del connection.commit
    assert "COMMIT" in seen, seen
    before = seen[:seen.index("COMMIT")]
    if connection.vendor == "postgresql":
        before = ["BEGIN", *before]
    return before, response


def register(client: Client, demo, headers: dict) -> int:
    response = client.post("/api/cases/", {
        "region": demo.vml.pk, "caller_number": "+4621123456", "address": "Stora torget 1",
        "municipality": "Västerås", "latitude": 59.61, "longitude": 16.54,
        "complaint": "Bröstsmärta", "mbs_priority": "1A", "priority": "1A",
    }, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("signed_in", ["session", "token"])
def test_a_one_unit_dispatch_costs_at_most_twelve_statements_before_its_commit(demo,
                                                                                signed_in):
    client = Client()
    headers = {}
    if signed_in == "session":
        client.force_login(demo.anna)
    else:
        _token, key = api_token_issue(user=demo.anna, label="integration")
        headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    case = register(client, demo, headers)
    events, timers = Event.objects.count(), Timer.objects.count()

    before, response = statements_until_commit(lambda: client.post(
        f"/api/cases/{case}/dispatch/", {"units": [demo.amb1010.pk]},
        content_type="application/json", **headers))

    assert response.status_code == 201, response.content
    assert len(before) <= BUDGET, "\n".join(s[:120] for s in before)
    # Nothing is left out to get there: the assignment, the unit claimed, four events (the
    # units list, the unit's stream twice, the console) and the acknowledgement deadline and
    # the crew's wake-up, and the answer is the crew card as before.
    [assignment] = Assignment.objects.filter(case_id=case)
    assert assignment.unit.status == "alerted"
    assert Event.objects.count() - events == 4
    assert set(Timer.objects.values_list("kind", flat=True)[timers:]) >= {
        "dispatch.ack_timeout", "push.notify"}
    [answer] = response.json()
    assert answer["id"] == assignment.pk and answer["unit_call_sign"] == "AMB 1010"
    assert answer["case"]["address"] == "Stora torget 1"
