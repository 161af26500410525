from audit.models import AccessLogEntry
from core.models import IdempotentRequest
from dispatch.services import assignment_dispatch


def test_a_replayed_acknowledgement_is_logged_and_no_patient_data_is_stored(demo, api, new_case):
    assignment = assignment_dispatch(case=new_case(), units=[demo.amb1010], by=demo.anna)[0]
    client = api(demo.sara)
    url = f"/api/assignments/{assignment.pk}/acknowledge/"

    first = client.post(url, {"idempotency_key": "tablet-ack-0001"}, format="json")
    reads = AccessLogEntry.objects.filter(username="sara").count()
    again = client.post(url, {"idempotency_key": "tablet-ack-0001"}, format="json")

    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replay"] == "true"
    assert again.json()["status"] == "acknowledged"
    assert again.json()["case"]["personal_identity_number"] == "19121212-1212"
    assert AccessLogEntry.objects.filter(username="sara").count() == reads + 1
    stored = IdempotentRequest.objects.get(key="tablet-ack-0001")
    assert stored.status_code == 200 and stored.response is None


def test_a_replayed_refusal_is_answered_as_it_was(demo, api, new_case):
    assignment = assignment_dispatch(case=new_case(), units=[demo.amb1010], by=demo.anna)[0]
    client = api(demo.sara)
    url = f"/api/assignments/{assignment.pk}/status/"
    body = {"status": "on_scene", "idempotency_key": "tablet-st-0001"}

    first = client.post(url, body, format="json")
    client.post(f"/api/assignments/{assignment.pk}/acknowledge/", {}, format="json")
    again = client.post(url, body, format="json")

    assert first.status_code == again.status_code == 409
    assert again.json() == first.json()
