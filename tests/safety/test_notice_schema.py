"""The API description (OpenAPI) of the risk notice routes: every route is there with the
answer it gives (NOTICE, MATCH, CREW_NOTICE, the preview), under an operationId of its own, and
the described answers have exactly the fields the API writes."""

from collections import Counter

import pytest
from drf_spectacular.generators import SchemaGenerator

from dispatch import services as dispatch
from safety.models import NoticeMatch
from tests.audit.patient_data import PATIENT
from tests.safety.notice_helpers import notice_new, notice_payload

pytestmark = pytest.mark.django_db

REF = "#/components/schemas/"


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _answer(schema, path: str, method: str, status: str = "200") -> dict:
    return schema["paths"][path][method]["responses"][status]["content"][
        "application/json"]["schema"]


def _properties(schema, name: str) -> set[str]:
    return set(schema["components"]["schemas"][name]["properties"])


def test_every_notice_route_is_described_with_its_answer(schema):
    answers = {
        ("/api/safety/notices/{id}/", "get", "200"): "Notice",
        ("/api/safety/notices/{id}/", "patch", "200"): "Notice",
        ("/api/safety/notices/{id}/review/", "post", "200"): "Notice",
        ("/api/safety/notices/{id}/withdraw/", "post", "200"): "Notice",
        ("/api/safety/notices/", "post", "201"): "NoticeOrPartnerNotice",
        ("/api/safety/notices/", "get", "200"): "NoticesAnswer",
        ("/api/safety/notices/matching/", "get", "200"): "NoticeMatchingAnswer",
        ("/api/safety/matches/{id}/decision/", "post", "200"): "NoticeMatch",
        ("/api/safety/matches/{id}/acknowledge/", "post", "200"): "NoticeAcknowledged",
    }
    for (path, method, status), component in answers.items():
        assert _answer(schema, path, method, status) == {"$ref": REF + component}, path
    components = schema["components"]["schemas"]
    assert components["NoticesAnswer"]["oneOf"] == [
        {"type": "array", "items": {"$ref": REF + "Notice"}},
        {"$ref": REF + "CaseNoticeMatches"}, {"$ref": REF + "CaseCrewNotices"},
        {"$ref": REF + "PartnerNoticesAnswer"}]
    assert components["NoticeOrPartnerNotice"]["oneOf"] == [
        {"$ref": REF + "Notice"}, {"$ref": REF + "PartnerNotice"}]
    assert components["NoticeMatch"]["properties"]["notice"] == {"$ref": REF + "Notice"}
    assert components["NoticeMatchingAnswer"]["properties"]["matches"]["items"] == {
        "$ref": REF + "NoticePreview"}
    assert components["CaseCrewNotices"]["properties"]["notices"]["items"] == {
        "$ref": REF + "CrewNotice"}


def test_the_query_parameters_and_operation_ids_are_described(schema):
    def queries(path):
        return {p["name"] for p in schema["paths"][path]["get"]["parameters"]
                if p["in"] == "query"}

    assert {"state", "region", "q", "expired", "case", "since"} <= queries(
        "/api/safety/notices/")
    assert queries("/api/safety/notices/matching/") == {
        "latitude", "longitude", "address", "personal_identity_number"}
    ids = Counter(operation["operationId"] for item in schema["paths"].values()
                  for operation in item.values())
    assert [name for name, count in ids.items() if count > 1] == []
    assert schema["paths"]["/api/safety/notices/"]["get"]["operationId"] == \
        "safety_notices_list"


def test_the_withdrawal_input_is_named_apart_from_the_referrals(schema):
    body = schema["paths"]["/api/safety/notices/{id}/withdraw/"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": REF + "NoticeWithdraw"}
    assert "Withdraw" in schema["components"]["schemas"]  # the referrals' own


def test_the_described_answers_have_the_fields_the_api_writes(schema, demo, api, new_case):
    anna = api(demo.anna)
    entered = anna.post("/api/safety/notices/", notice_payload(demo.vml), format="json")
    assert entered.status_code == 201
    assert set(entered.json()) == _properties(schema, "Notice")
    preview = anna.get("/api/safety/notices/matching/", {
        "address": "Vasagatan 12, Västerås"}).json()
    assert set(preview) == _properties(schema, "NoticeMatchingAnswer")
    assert set(preview["matches"][0]) == _properties(schema, "NoticePreview")

    notice = notice_new(demo, address="", personal_identity_number=PATIENT)
    case = new_case()
    [assignment] = dispatch.assignment_dispatch(case=case, units=[demo.amb1010], by=demo.anna)
    match = NoticeMatch.objects.get(case=case, notice=notice)
    decided = anna.post(f"/api/safety/matches/{match.pk}/decision/",
                        {"decision": "applied"}, format="json")
    assert decided.status_code == 200
    assert set(decided.json()) == _properties(schema, "NoticeMatch")
    acknowledged = api(demo.sara).post(f"/api/safety/matches/{match.pk}/acknowledge/",
                                       {"assignment": assignment.pk}, format="json")
    assert acknowledged.status_code == 200
    assert set(acknowledged.json()) == _properties(schema, "NoticeAcknowledged")

    matches = anna.get(f"/api/safety/notices/?case={case.pk}").json()
    assert set(matches) == _properties(schema, "CaseNoticeMatches")
    [shown] = matches["matches"]
    assert set(shown) == _properties(schema, "NoticeMatch")
    assert set(shown["notice"]) == _properties(schema, "Notice")
    assert set(shown["reasons"][0]) == _properties(schema, "NoticeMatchReason")
    assert set(shown["acknowledgements"][0]) == _properties(schema,
                                                           "NoticeAcknowledgement")
    crew = api(demo.sara).get(f"/api/safety/notices/?case={case.pk}").json()
    assert set(crew) == _properties(schema, "CaseCrewNotices")
    assert set(crew["notices"][0]) == _properties(schema, "CrewNotice")
    listed = anna.get("/api/safety/notices/").json()
    assert set(listed[0]) == _properties(schema, "Notice")
