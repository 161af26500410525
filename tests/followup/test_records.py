"""Targets and follow-up records of deviations: the manager sets targets (one in force is
kept), opens a flagged deviation once whoever opens it (its figures copied from
followup.selectors.tertial_report), and changes a record only on the version they read."""

from datetime import timedelta

import pytest
from django.utils import timezone

from followup import services
from followup.models import DeviationFollowUp, MeasureTarget

TODAY = timezone.localdate


def this_tertial() -> dict:
    today = timezone.localdate()
    return {"year": today.year, "tertial": (today.month - 1) // 4 + 1}


def target_body(demo, **overrides) -> dict:
    body = {"measure": 5, "region": demo.upp.pk, "comparison": "at_most", "value": 0.08,
            "valid_from": str(TODAY() + timedelta(days=10)), "note": "Nytt mål"}
    body.update(overrides)
    return body


def test_the_manager_sets_a_target_and_everyone_who_reads_the_follow_up_sees_it(demo, api):
    response = api(demo.greta).post("/api/followup/targets/", target_body(demo), format="json")
    assert response.status_code == 201, response.json()
    item = response.json()
    assert {k: item[k] for k in ("measure", "region", "comparison", "value", "note",
                                 "set_by_name", "deletable")} == {
        "measure": 5, "region": demo.upp.pk, "comparison": "at_most", "value": 0.08,
        "note": "Nytt mål", "set_by_name": str(demo.greta), "deletable": True}
    assert item["region_name"] == demo.upp.name
    assert item["comparison_words"] == "at most"
    assert item["measure_name"].startswith("Referred, then dispatched")
    listed = api(demo.anna).get("/api/followup/targets/").json()
    assert item["id"] in [t["id"] for t in listed]
    seeded = [t for t in listed if t["measure"] == 1 and t["valid_from"] == "2022-01-01"]
    assert [(t["region"], t["region_name"], t["value"], t["deletable"]) for t in seeded] == [
        (None, "Every region", 80.0, False)]


def test_a_dispatcher_reads_targets_but_sets_none(demo, api):
    assert api(demo.anna).post("/api/followup/targets/", target_body(demo),
                               format="json").status_code == 403
    assert not MeasureTarget.objects.filter(note="Nytt mål").exists()


@pytest.mark.parametrize(("overrides", "words"), [
    ({"measure": 8}, "measure from 1 to 7"),
    ({"measure": 0}, "measure from 1 to 7"),
    ({"value": -1}, "below zero"),
    ({"value": 1.5}, "between 0 and 1"),
    ({"comparison": "below"}, "at most or at least"),
    ({"region": 999999}, "regions"),
    ({"valid_from": "2020-01-01"}, "from today at the earliest"),
    ({"valid_from": "31/12/2026"}, "valid_from"),
])
def test_a_target_that_cannot_be_is_refused_in_words(demo, api, overrides, words):
    response = api(demo.greta).post("/api/followup/targets/", target_body(demo, **overrides),
                                    format="json")
    assert response.status_code == 400
    assert words in response.json()["detail"]


def test_seconds_may_exceed_one_and_a_target_may_hold_for_every_region(demo, api):
    response = api(demo.greta).post("/api/followup/targets/", target_body(
        demo, measure=1, value=75, region=None), format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["region"], response.json()["value"]) == (None, 75.0)


@pytest.mark.parametrize("region", ["upp", None])
def test_a_second_target_for_the_same_measure_region_and_day_is_refused(demo, api, region):
    body = target_body(demo, region=getattr(demo, region).pk if region else None)
    assert api(demo.greta).post("/api/followup/targets/", body, format="json").status_code \
        == 201
    again = api(demo.admin).post("/api/followup/targets/", {**body, "value": 0.05},
                                 format="json")
    assert again.status_code == 400
    assert "already has a target" in again.json()["detail"]
    # Another region on that day is another target.
    other = api(demo.greta).post("/api/followup/targets/", {**body, "region": demo.srm.pk},
                                 format="json")
    assert other.status_code == 201


def test_only_a_target_not_yet_in_force_can_be_removed(demo, api):
    planned = services.target_set(measure=2, region=None, comparison="at_most", value=6,
                                  valid_from=TODAY() + timedelta(days=1), by=demo.greta)
    assert api(demo.anna).delete(f"/api/followup/targets/{planned.pk}/").status_code == 403
    assert api(demo.greta).delete(f"/api/followup/targets/{planned.pk}/").status_code == 204
    assert not MeasureTarget.objects.filter(pk=planned.pk).exists()
    in_force = MeasureTarget.objects.create(measure=2, comparison="at_most", value=7,
                                            valid_from=TODAY())
    refused = api(demo.greta).delete(f"/api/followup/targets/{in_force.pk}/")
    assert refused.status_code == 409
    assert "past reports use it" in refused.json()["detail"]
    assert MeasureTarget.objects.filter(pk=in_force.pk).exists()
    assert api(demo.greta).delete("/api/followup/targets/999999/").status_code == 404


@pytest.fixture
def report(monkeypatch, settings, demo, new_case):
    """This tertial with one deviation flagged: all three of Uppsala's priority-1 cases went
    out as priority 2 (measure 3: 100 %), none of Västmanland's three (0 %); the test's
    threshold raised so that six cases can show it. The calls of followup.selectors.
    tertial_report are counted (it still answers)."""
    from dispatch.services import case_register
    from followup import selectors
    from tests.conftest import case_payload

    settings.FOLLOWUP_DEVIATION_ALPHA = 0.05
    settings.FOLLOWUP_DEVIATION_MIN_COUNT = 1
    for _n in range(3):
        new_case()
        data = case_payload(demo.upp, priority="2A", priority_change_reason="Stabil")
        case_register(by=demo.anna, **{**data, "region": demo.upp})
    calls, real = [], selectors.tertial_report

    def tertial_report(*, year, tertial):
        calls.append((year, tertial))
        return real(year=year, tertial=tertial)

    monkeypatch.setattr(selectors, "tertial_report", tertial_report)
    return calls


def flag_of(region, measure: int = 3, kind: str = "region") -> dict | None:
    from followup.selectors import tertial_report

    [item] = [m for m in tertial_report(**this_tertial())["measures"]
              if m["measure"] == measure]
    [figure] = [r for r in item["regions"] if r["region"] == region.pk]
    return figure, next((d for d in figure["deviations"] if d["kind"] == kind), None)


def open_body(demo, **overrides) -> dict:
    return {"measure": 3, "region": demo.upp.pk, "kind": "region", **this_tertial(),
            **overrides}


def test_opening_a_flag_copies_its_figures_once_whoever_opens_it(demo, api, report):
    first = api(demo.greta).post("/api/followup/deviations/", open_body(demo), format="json")
    assert first.status_code == 201, first.json()
    item = first.json()
    figure, flag = flag_of(demo.upp)
    assert (figure["value"], flag["compared_with"]) == (1.0, 0.0)
    assert 0 < flag["p_value"] < 0.05
    assert (item["observed"], item["compared_with"], item["p_value"]) == (
        1.0, 0.0, flag["p_value"])
    assert (item["opened_by_name"], item["closed"], item["version"]) == (
        str(demo.greta), False, 1)
    assert item["kind_words"] == "Against the other regions"
    read = len(report)
    again = api(demo.admin).post("/api/followup/deviations/", open_body(demo), format="json")
    assert again.status_code == 200
    assert again.json()["id"] == item["id"]
    assert DeviationFollowUp.objects.count() == 1
    assert len(report) == read  # the second open read no report


def test_a_figure_not_flagged_is_opened_with_no_comparison(demo, api, report):
    """The manager may follow up a figure the test did not flag (a trend there is no
    previous tertial to test against, a region without data)."""
    assert flag_of(demo.upp, kind="trend")[1] is None
    response = api(demo.greta).post("/api/followup/deviations/", open_body(
        demo, kind="trend"), format="json")
    assert response.status_code == 201
    assert (response.json()["observed"], response.json()["compared_with"],
            response.json()["p_value"]) == (1.0, None, None)
    empty = api(demo.greta).post("/api/followup/deviations/", open_body(
        demo, region=demo.srm.pk), format="json")
    assert (empty.json()["observed"], empty.json()["compared_with"]) == (None, None)


@pytest.mark.parametrize(("overrides", "words"), [
    ({"tertial": 4}, "1 (January–April)"),
    ({"year": TODAY().year + 1}, "has not begun"),
    ({"year": 1999}, "between 2000 and 2100"),
    ({"kind": "season"}, "which deviation"),
    ({"measure": 9}, "measure from 1 to 7"),
    ({"region": 999999}, "regions"),
])
def test_a_deviation_that_cannot_be_opened_is_refused_in_words(demo, api, report, overrides,
                                                              words):
    response = api(demo.greta).post("/api/followup/deviations/", open_body(demo, **overrides),
                                    format="json")
    assert response.status_code == 400
    assert words in response.json()["detail"]


def test_the_list_of_a_tertial_and_a_bad_tertial(demo, api, report):
    record, _made = services.deviation_followup_open(by=demo.greta, region=demo.upp,
                                                     measure=3, kind="region", **this_tertial())
    listed = api(demo.anna).get("/api/followup/deviations/", this_tertial())
    assert [r["id"] for r in listed.json()] == [record.pk]
    earlier = api(demo.anna).get("/api/followup/deviations/", {"year": 2024, "tertial": 1})
    assert earlier.json() == []
    assert [r["id"] for r in api(demo.anna).get("/api/followup/deviations/").json()] == [
        record.pk]
    bad = api(demo.anna).get("/api/followup/deviations/", {"year": "x", "tertial": 1})
    assert bad.status_code == 400
    assert "year as a number" in bad.json()["detail"]


def test_the_record_is_owned_found_acted_on_closed_and_reopened(demo, api, report):
    record, _made = services.deviation_followup_open(by=demo.greta, region=demo.upp,
                                                     measure=3, kind="region", **this_tertial())
    url = f"/api/followup/deviations/{record.pk}/"
    client = api(demo.greta)
    too_soon = client.patch(url, {"closed": True, "version": 1}, format="json")
    assert too_soon.status_code == 400
    assert "what was found" in too_soon.json()["detail"]
    owned = client.patch(url, {"owner": demo.anna.pk, "finding": "Nattbemanning",
                               "action": "Två operatörer natt", "version": 1}, format="json")
    assert owned.status_code == 200, owned.json()
    assert (owned.json()["owner_name"], owned.json()["version"]) == (str(demo.anna), 2)
    closed = client.patch(url, {"closed": True, "version": 2}, format="json").json()
    assert (closed["closed"], closed["closed_by_name"], closed["finding"]) == (
        True, str(demo.greta), "Nattbemanning")
    assert closed["closed_at"]
    emptied = client.patch(url, {"finding": "", "version": 3}, format="json")
    assert emptied.status_code == 400  # a closed record keeps what was found
    reopened = client.patch(url, {"closed": False, "version": 3}, format="json").json()
    assert (reopened["closed"], reopened["closed_at"], reopened["closed_by_name"]) == (
        False, None, "")
    cleared = client.patch(url, {"owner": None, "version": 4}, format="json").json()
    assert cleared["owner"] is None


def test_a_change_on_an_older_version_is_refused_with_the_record_as_it_is(demo, api, report):
    record, _made = services.deviation_followup_open(by=demo.greta, region=demo.upp,
                                                     measure=3, kind="region", **this_tertial())
    url = f"/api/followup/deviations/{record.pk}/"
    assert api(demo.admin).patch(url, {"finding": "Först", "version": 1},
                                 format="json").status_code == 200
    stale = api(demo.greta).patch(url, {"finding": "Sedan", "version": 1}, format="json")
    assert stale.status_code == 409
    assert "Someone else changed" in stale.json()["detail"]
    assert stale.json()["current"]["finding"] == "Först"
    assert DeviationFollowUp.objects.get(pk=record.pk).finding == "Först"
    missing = api(demo.greta).patch(url, {"finding": "Utan version"}, format="json")
    assert missing.status_code == 400
    assert "version" in missing.json()["detail"]


@pytest.mark.parametrize("owner", ["sara", "lars", "ulla"])
def test_an_owner_outside_the_follow_up_is_refused(demo, api, report, owner):
    record, _made = services.deviation_followup_open(by=demo.greta, region=demo.upp,
                                                     measure=3, kind="region", **this_tertial())
    response = api(demo.greta).patch(f"/api/followup/deviations/{record.pk}/", {
        "owner": getattr(demo, owner).pk, "version": 1}, format="json")
    assert response.status_code == 400
    assert "choose one from the list" in response.json()["detail"]


def test_the_owners_are_the_people_who_read_the_follow_up(demo, api):
    from accounts.models import Role, User

    User.objects.create(username="svc-telefoni", role=Role.DISPATCHER, is_service_account=True)
    names = {o["name"] for o in api(demo.greta).get("/api/followup/owners/").json()}
    assert {str(demo.anna), str(demo.greta), str(demo.admin)} <= names
    assert not names & {str(demo.sara), str(demo.lars), str(demo.karin), str(demo.ulla),
                        "svc-telefoni"}


def test_two_managers_opening_one_flag_at_once_make_one_record(demo, report, monkeypatch):
    """The other manager's open commits between this one's look for a record and its insert
    (the race, made to happen): the insert meets the unique constraint and this open answers
    the other's record."""
    from followup.services import records

    read = records._flag_in_report
    key = {"measure": 3, "region": demo.upp, "kind": "region", **this_tertial()}

    def the_other_opens_first(**kwargs):
        figures = read(**kwargs)
        DeviationFollowUp.objects.create(**key, opened_by=demo.admin, opened_at=timezone.now())
        return figures

    monkeypatch.setattr(records, "_flag_in_report", the_other_opens_first)
    record, made = services.deviation_followup_open(by=demo.greta, **key)
    assert not made
    assert (record.opened_by, DeviationFollowUp.objects.count()) == (demo.admin, 1)
