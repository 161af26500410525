from django.test import override_settings

from tests.conftest import case_payload


@override_settings(LANGUAGE_CODE="sv")
def test_api_refusals_are_swedish_by_default_even_for_an_english_browser(demo, api):
    response = api(demo.anna).post(
        "/api/cases/", case_payload(demo.vml, priority="1B"), format="json",
        HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9",
    )
    assert response.status_code == 400
    assert "MBS-prioriteten" in response.json()["detail"]


@override_settings(LANGUAGE_CODE="sv")
def test_a_chosen_language_switches_the_api_messages(demo, api):
    client = api(demo.anna)
    client.cookies["django_language"] = "en"
    response = client.post("/api/cases/", case_payload(demo.vml, priority="1B"), format="json")
    assert response.status_code == 400
    assert "differs from the MBS priority" in response.json()["detail"]


@override_settings(LANGUAGE_CODE="sv")
def test_a_refused_transition_names_the_statuses_in_swedish(demo, api, new_case):
    from dispatch.services import assignment_dispatch

    assignment = assignment_dispatch(case=new_case(), units=[demo.amb1010], by=demo.anna)[0]
    response = api(demo.sara).post(
        f"/api/assignments/{assignment.pk}/status/", {"status": "at_hospital"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["allowed"] == ["acknowledged"]
    assert "kvitterad" in response.json()["detail"].lower()


@override_settings(LANGUAGE_CODE="sv")
def test_a_missing_object_is_said_in_swedish_without_naming_a_model(demo, api):
    response = api(demo.anna).get("/api/ivpa/cases/999999/callout/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Hittades inte."}
