"""Sharing risk notices with partner organisations (*samverkan*): a partner reads the
shareable notices of its regions in the partner view and proposes notices for them, with its
API token, and reaches nothing else; every exchange is logged; the commands that make a
partner and its tokens."""

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from realtime.models import Event
from safety.demo_partners import DEMO_PARTNER, partners_seed
from safety.models import ExchangeDirection, NoticeState, Partner, PartnerExchange, RiskNotice
from safety.services.notices import notice_review
from tests.safety.notice_helpers import notice_new, notice_payload

pytestmark = pytest.mark.django_db

PARTNER_KEYS = {
    "id", "state", "state_label", "region", "region_code", "region_name", "address",
    "latitude", "longitude", "radius_m", "category", "category_label", "action",
    "action_label", "source", "source_label", "source_partner_name", "valid_from",
    "valid_until", "expired", "version"}
BACKGROUND = "Polisen: kniv i lägenheten vid förra besöket."


@pytest.fixture
def police(demo):
    """Polisregion Bergslagen (regions: VML) and a client carrying its API token."""
    partner, key = partners_seed()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return partner, client


def test_a_partner_reads_the_shareable_active_notices_of_its_regions_only(demo, police):
    partner, client = police
    shared = notice_new(demo, shareable=True, personal_identity_number="19121212-1212")
    notice_new(demo, shareable=False)  # not shared
    other = notice_new(demo, shareable=True)
    RiskNotice.objects.filter(pk=other.pk).update(region=demo.upp)  # another region's
    notice_new(demo, shareable=True, state=NoticeState.PROPOSED)  # not reviewed
    response = client.get("/api/safety/notices/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [n["id"] for n in body["notices"]] == [shared.pk]
    assert body["shared_ids"] == [shared.pk] and body["since"] is None
    [notice] = body["notices"]
    assert set(notice) == PARTNER_KEYS
    assert (notice["region_code"], notice["category"], notice["category_label"],
            notice["action_label"]) == ("VML", "weapon", "Weapon", "Police first")
    text = response.content.decode()
    for secret in (BACKGROUND, "19121212", str(demo.anna), "Anna"):
        assert secret not in text


def test_an_expired_or_withdrawn_notice_leaves_the_shared_ids(demo, police):
    partner, client = police
    kept = notice_new(demo, shareable=True)
    expired = notice_new(demo, shareable=True)
    RiskNotice.objects.filter(pk=expired.pk).update(valid_until=timezone.now())
    withdrawn = notice_new(demo, shareable=True)
    RiskNotice.objects.filter(pk=withdrawn.pk).update(state=NoticeState.WITHDRAWN)
    assert client.get("/api/safety/notices/").json()["shared_ids"] == [kept.pk]


def test_since_gives_the_notices_shared_or_approved_after_it(demo, police):
    partner, client = police
    old = notice_new(demo, shareable=True)
    RiskNotice.objects.filter(pk=old.pk).update(
        entered_at=timezone.now() - timedelta(days=2))
    proposed = notice_new(demo, shareable=True, state=NoticeState.PROPOSED)
    RiskNotice.objects.filter(pk=proposed.pk).update(
        entered_at=timezone.now() - timedelta(days=2))
    first = client.get("/api/safety/notices/").json()
    assert [n["id"] for n in first["notices"]] == [old.pk]
    notice_review(notice=proposed, decision="approve", by=demo.anna)
    later = client.get("/api/safety/notices/", {"since": first["as_of"]}).json()
    assert [n["id"] for n in later["notices"]] == [proposed.pk]
    assert later["shared_ids"] == [old.pk, proposed.pk]
    assert later["since"] is not None


def test_an_unreadable_since_is_a_400_that_shows_the_form(demo, police):
    _partner, client = police
    response = client.get("/api/safety/notices/", {"since": "yesterday"})
    assert response.status_code == 400
    assert "since=2026-12-01T08:00:00+01:00" in response.json()["detail"]


def test_every_read_is_logged_as_an_exchange_sent(demo, police):
    partner, client = police
    shared = notice_new(demo, shareable=True)
    client.get("/api/safety/notices/")
    [exchange] = PartnerExchange.objects.all()
    assert (exchange.partner, exchange.direction, exchange.notice_ids) == (
        partner, ExchangeDirection.SENT, [shared.pk])
    assert exchange.what == "1 notices read"


def _partner_notice(**overrides) -> dict:
    data = notice_payload(SimpleNamespace(pk=None), background="Beväpnad person enligt polisen.")
    data.update({"region": "VML", **overrides})
    return data


def test_a_partner_proposes_a_notice_for_its_region(demo, police):
    partner, client = police
    response = client.post("/api/safety/notices/", _partner_notice(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == PARTNER_KEYS
    assert (body["state"], body["source"], body["source_label"],
            body["source_partner_name"]) == ("proposed", "police", "Police", DEMO_PARTNER)
    notice = RiskNotice.objects.get(pk=body["id"])
    assert (notice.region, notice.source_partner, notice.entered_by) == (
        demo.vml, partner, partner.user)
    assert notice.background == "Beväpnad person enligt polisen."
    [exchange] = PartnerExchange.objects.all()
    assert (exchange.direction, exchange.notice_ids) == (ExchangeDirection.RECEIVED,
                                                         [notice.pk])
    proposed = Event.objects.filter(stream="dispatch", type="safety.notice_proposed")
    assert [e.data["notice"]["id"] for e in proposed] == [notice.pk]


def test_a_partners_source_follows_its_kind(demo, police):
    partner, client = police
    Partner.objects.filter(pk=partner.pk).update(kind="sos_alarm")
    body = client.post("/api/safety/notices/", _partner_notice(), format="json").json()
    assert body["source"] == "sos_alarm"


@pytest.mark.parametrize("region", ["UPP", str(2**31), "ghost"])
def test_a_region_not_its_own_is_refused_in_words(demo, police, region):
    _partner, client = police
    response = client.post("/api/safety/notices/", _partner_notice(region=region),
                           format="json")
    assert response.status_code == 403
    assert "is not one of yours" in response.json()["detail"]
    assert "VML" in response.json()["detail"]
    assert not RiskNotice.objects.exists() and not PartnerExchange.objects.exists()


@pytest.mark.parametrize(("change", "words"), [
    ({"region": ""}, "region"),
    ({"category": ""}, "category"),
    ({"action": ""}, "action"),
    ({"valid_until": None}, "valid_until"),
    ({"latitude": "north"}, "latitude"),
    ({"address": "", "personal_identity_number": ""}, "an address, or a personal"),
])
def test_a_bad_partner_notice_is_a_400_that_says_what_to_add(demo, police, change, words):
    _partner, client = police
    response = client.post("/api/safety/notices/", _partner_notice(**change), format="json")
    assert response.status_code == 400, response.json()
    assert words in response.json()["detail"]
    assert not RiskNotice.objects.exists()


@pytest.mark.parametrize("path", [
    "/api/cases/", "/api/units/", "/api/me/", "/api/regions/", "/api/assignments/",
    "/api/safety/reports/", "/api/safety/exchanges/", "/api/safety/notices/matching/",
    "/api/care-plans/", "/api/schema/?format=json"])
def test_a_partners_token_reaches_nothing_else(demo, police, path):
    _partner, client = police
    response = client.get(path)
    assert response.status_code == 403
    assert b"partner organisation" in response.content


def test_a_partner_signed_in_otherwise_is_still_refused_elsewhere(demo, police, api):
    partner, _client = police
    for path in ("/api/me/", "/api/regions/", "/api/cases/"):
        assert api(partner.user).get(path).status_code == 403


def test_a_deactivated_partner_reads_nothing(demo, police):
    partner, client = police
    notice_new(demo, shareable=True)
    Partner.objects.filter(pk=partner.pk).update(active=False)
    response = client.get("/api/safety/notices/")
    assert response.status_code == 403
    assert "no active partner" in response.json()["detail"]


def test_the_exchange_log_is_for_the_manager_and_administrators(demo, police, api):
    partner, client = police
    notice_new(demo, shareable=True)
    client.get("/api/safety/notices/")
    client.post("/api/safety/notices/", _partner_notice(), format="json")
    for who in (demo.greta, demo.admin):
        response = api(who).get("/api/safety/exchanges/", {"partner": partner.pk})
        assert response.status_code == 200
        assert [(e["partner_name"], e["direction"]) for e in response.json()] == [
            (DEMO_PARTNER, "received"), (DEMO_PARTNER, "sent")]
        assert response.json()[0]["direction_label"] == "Received from the partner"
    for who in (demo.anna, demo.sara, demo.lars):
        assert api(who).get("/api/safety/exchanges/").status_code == 403


def test_partner_create_prints_the_token_once_and_it_works(demo):
    out = io.StringIO()
    call_command("partner_create", "SOS Alarm Mitt", "--kind", "sos_alarm", "--regions",
                 "vml,UPP", stdout=out)
    line = out.getvalue().strip()
    assert "\n" not in line
    assert line.startswith("Partner SOS Alarm Mitt (SOS Alarm, regions VML,UPP) created with "
                           "the service account partner-sos-alarm-mitt")
    key = line.rsplit(": ", 1)[1]
    partner = Partner.objects.get(name="SOS Alarm Mitt")
    assert {r.code for r in partner.regions.all()} == {"VML", "UPP"}
    assert partner.user.role == "partner" and partner.user.is_service_account
    assert not partner.user.has_usable_password()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/safety/notices/").status_code == 200


@pytest.mark.parametrize(("args", "words"), [
    (["--kind", "police", "--regions", "VML,XYZ"], "Unknown region XYZ: the regions are SRM, "
                                                    "UPP, VML."),
    (["--kind", "police", "--regions", ","], "Name at least one region"),
])
def test_partner_create_refuses_unknown_regions_in_words(demo, args, words):
    with pytest.raises(CommandError, match=words):
        call_command("partner_create", "Polisregion Mitt", *args, stdout=io.StringIO())
    assert not Partner.objects.filter(name="Polisregion Mitt").exists()


def test_partner_create_refuses_a_name_taken(demo, police):
    with pytest.raises(CommandError, match="exists already"):
        call_command("partner_create", DEMO_PARTNER, "--kind", "police", "--regions", "VML",
                     stdout=io.StringIO())


def test_partner_token_issues_a_new_working_token(demo, police):
    out = io.StringIO()
    call_command("partner_token", DEMO_PARTNER, stdout=out)
    key = out.getvalue().strip().rsplit(": ", 1)[1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/safety/notices/").status_code == 200
    with pytest.raises(CommandError, match="No partner named 'Nobody'"):
        call_command("partner_token", "Nobody", stdout=io.StringIO())


def test_the_demo_partner_is_made_once(demo):
    first, key = partners_seed()
    again, no_key = partners_seed()
    assert first == again and key and no_key is None
    assert (first.user.username, first.kind) == ("polisen", "police")
    assert [r.code for r in first.regions.all()] == ["VML"]


def test_the_api_description_shows_the_partner_format(demo, api):
    schema = api(demo.admin).get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    assert set(components["PartnerNotice"]["properties"]) == PARTNER_KEYS
    answer = components["PartnerNoticesAnswer"]["properties"]
    assert set(answer) == {"as_of", "since", "notices", "shared_ids"}
    assert set(components["PartnerNoticeInput"]["required"]) == {"region", "latitude",
                                                                 "longitude"}
    listing = schema["paths"]["/api/safety/notices/"]["get"]["responses"]["200"]
    assert listing["content"]["application/json"]["schema"]["$ref"].endswith(
        "/NoticesAnswer")  # the centre's answers or the partner's
    assert {"$ref": "#/components/schemas/PartnerNoticesAnswer"} in components[
        "NoticesAnswer"]["oneOf"]
