"""Vetting of volunteers (issue 12, item 15): a self-registered volunteer who ticks "trained"
is never alerted (and so never sees a door code or a defibrillator's code) until an
administrator or their municipality's coordinator approves the training, with a date; the
approval and its revocation are recorded; the volunteer's own change of training resets it."""

from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from ivpa import services
from ivpa.models import (
    AlertStatus,
    Approval,
    ApprovalAction,
    Callout,
    Municipality,
    Responder,
    ResponderAlert,
    ResponderApproval,
    ResponderKind,
)
from tests.ivpa.test_selection import STORA_TORGET, alerted, place, volunteers_alerted

SIGN_UP = {"password": "hjärta-och-lunga-2026", "phone_number": "+46701740691",
           "training": "cpr_aed", "training_confirmed": True}


def sign_up(username: str, municipality: Municipality | None = None) -> tuple[APIClient,
                                                                              Responder]:
    client = APIClient()
    response = client.post("/api/ivpa/register/", {
        **SIGN_UP, "username": username, "display_name": username.title(),
        "municipality": municipality.pk if municipality else None}, format="json")
    assert response.status_code == 201, response.json()
    return client, Responder.objects.get(user__username=username)


@pytest.fixture
def frida(ivpa):
    """A volunteer who signed up herself (Västerås), made herself available and stands at
    Stora torget: nearer to the case than anyone."""
    client, responder = sign_up("frida", ivpa.vasteras)
    assert client.patch("/api/ivpa/me/", {"available": True}, format="json").status_code == 200
    place(responder, *STORA_TORGET)
    return responder


def test_an_unapproved_volunteer_nearest_to_a_cardiac_arrest_is_not_alerted(arrest, ivpa, frida):
    case = arrest()
    assert "frida" not in volunteers_alerted(case)
    assert "lars" in volunteers_alerted(case)  # approved by the demo's seed
    services.callout_end(callout=Callout.objects.get(case=case), reason="cancelled")

    services.responder_approve(responder=frida, by=ivpa_admin())
    second = arrest(address="Vasagatan 5, Västerås")
    nearest = min(alerted(second).values(), key=lambda a: a.distance_m)
    assert nearest.responder.user.username == "frida"


def ivpa_admin() -> User:
    return User.objects.get(username="admin")


def test_the_nearest_volunteer_is_not_even_counted_for_the_dispatcher(arrest, ivpa, frida, api,
                                                                       demo):
    services.municipality_update(municipality=ivpa.vasteras, by=None, auto_alert=False)
    case = arrest()
    answer = api(demo.anna).get(f"/api/ivpa/cases/{case.pk}/callout/").json()
    assert answer["volunteers_nearby"] == 4  # lars, eva, nils, olle; not frida


@pytest.mark.parametrize("state", ["pending", "revoked", "expired"])
def test_a_volunteer_not_approved_now_is_never_alerted(arrest, ivpa, state):
    if state == "pending":
        Responder.objects.filter(pk=ivpa.lars.pk).update(approval=Approval.PENDING,
                                                          approved_until=None)
    elif state == "revoked":
        services.responder_revoke(responder=ivpa.lars, by=ivpa_admin())
    else:
        Responder.objects.filter(pk=ivpa.lars.pk).update(
            approved_until=timezone.localdate() - timedelta(days=1))
    assert volunteers_alerted(arrest()) == {"eva", "nils", "olle"}


def test_an_approval_is_valid_through_its_last_day(arrest, ivpa):
    Responder.objects.filter(pk=ivpa.lars.pk).update(approved_until=timezone.localdate())
    assert "lars" in volunteers_alerted(arrest())


# --- the volunteer's own view ---------------------------------------------------------------


def test_a_new_volunteer_waits_for_approval_and_may_still_be_available(db, demo, ivpa):
    client, responder = sign_up("frida", ivpa.vasteras)
    me = client.get("/api/ivpa/me/").json()
    assert me["approval"] == "pending" and me["approved_until"] is None
    assert me["municipality_name"] == "Västerås"
    assert client.patch("/api/ivpa/me/", {"available": True}, format="json").json()[
        "available"] is True


def test_changing_the_training_resets_the_approval_and_confirming_it_again_does_not(ivpa, api):
    client = api(ivpa.lars.user)
    same = client.patch("/api/ivpa/me/", {"training": "cpr_aed", "training_confirmed": True},
                        format="json")
    assert same.json()["approval"] == "approved"
    changed = client.patch("/api/ivpa/me/", {"training": "first_aid",
                                             "training_confirmed": True}, format="json")
    assert changed.status_code == 200
    assert changed.json()["approval"] == "pending" and changed.json()["approved_until"] is None
    reset = ResponderApproval.objects.get(responder=ivpa.lars, action=ApprovalAction.RESET)
    assert reset.training == "first_aid" and "volunteer changed" in reset.reason


# --- approving and revoking -----------------------------------------------------------------


def test_a_coordinator_approves_a_volunteer_of_her_municipality_with_the_training_date(
        ivpa, demo, api):
    _, frida = sign_up("frida", ivpa.vasteras)
    trained = timezone.localdate() - timedelta(days=100)
    response = api(demo.ulla).post(f"/api/ivpa/responders/{frida.pk}/approve/",
                                   {"trained_on": trained.isoformat()}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["approval"] == "approved" and body["approved_by"] == "Ulla Samordnare"
    valid_until = trained + timedelta(days=settings.IVPA_TRAINING_VALID_DAYS)
    assert body["trained_on"] == trained.isoformat()
    assert body["approved_until"] == valid_until.isoformat()
    step = ResponderApproval.objects.get(responder=frida, action=ApprovalAction.APPROVED)
    assert step.by == demo.ulla and step.valid_until == valid_until
    assert abs((step.at - timezone.now()).total_seconds()) < 60


def test_without_a_training_date_the_approval_counts_from_today(ivpa, demo, api):
    _, frida = sign_up("frida", ivpa.vasteras)
    body = api(demo.admin).post(f"/api/ivpa/responders/{frida.pk}/approve/", {},
                                format="json").json()
    assert body["approved_until"] == (timezone.localdate() + timedelta(
        days=settings.IVPA_TRAINING_VALID_DAYS)).isoformat()


def test_a_coordinator_does_not_see_or_approve_volunteers_of_other_municipalities(
        ivpa, demo, api):
    _, sala = sign_up("sigge", ivpa.sala)
    _, nowhere = sign_up("nora")
    ulla = api(demo.ulla)
    for responder in (sala, nowhere):
        response = ulla.post(f"/api/ivpa/responders/{responder.pk}/approve/", {},
                             format="json")
        assert response.status_code == 404
        assert ulla.post(f"/api/ivpa/responders/{responder.pk}/revoke/", {},
                         format="json").status_code == 404
        assert Responder.objects.get(pk=responder.pk).approval == Approval.PENDING
    listed = {r["username"] for r in ulla.get("/api/ivpa/responders/").json()}
    assert listed == {"lars", "eva", "nils", "olle"}
    # The administrator vets everyone.
    assert api(demo.admin).post(f"/api/ivpa/responders/{nowhere.pk}/approve/", {},
                                format="json").status_code == 200


def test_the_pending_list_holds_who_waits(ivpa, demo, api):
    sign_up("frida", ivpa.vasteras)
    Responder.objects.filter(pk=ivpa.olle.pk).update(
        approved_until=timezone.localdate() - timedelta(days=1))
    services.responder_revoke(responder=ivpa.nils, by=demo.admin)
    waiting = api(demo.ulla).get("/api/ivpa/responders/", {"pending": "1"}).json()
    assert [(r["username"], r["approval"]) for r in waiting] == [
        ("olle", "expired"), ("frida", "pending")]
    assert waiting[1]["phone_number"] == "+46701740691"


@pytest.mark.parametrize(("days_ago", "message"), [
    (-1, "in the future"),
    (settings.IVPA_TRAINING_VALID_DAYS + 1, "no longer valid"),
])
def test_a_training_date_that_cannot_be_right_is_refused(ivpa, demo, api, days_ago, message):
    _, frida = sign_up("frida", ivpa.vasteras)
    trained = timezone.localdate() - timedelta(days=days_ago)
    response = api(demo.ulla).post(f"/api/ivpa/responders/{frida.pk}/approve/",
                                   {"trained_on": trained.isoformat()}, format="json")
    assert response.status_code == 400 and message in response.json()["detail"]
    assert Responder.objects.get(pk=frida.pk).approval == Approval.PENDING


def test_a_unit_is_not_vetted_here(ivpa, demo, api):
    unit = ivpa.rtj2110
    assert unit.kind == ResponderKind.FIRE_RESCUE
    response = api(demo.admin).post(f"/api/ivpa/responders/{unit.pk}/approve/", {},
                                    format="json")
    assert response.status_code == 404  # not among the volunteers an approver vets


def test_a_revocation_stands_the_volunteer_down_and_hides_where_to_go(arrest, ivpa, demo, api):
    case = arrest(door_code="1942")
    alert = alerted(case)["lars"]
    lars = api(ivpa.lars.user)
    accepted = lars.post(f"/api/ivpa/alerts/{alert.pk}/accept/", {}, format="json").json()
    assert accepted["destination"]["door_code"] == "1942"
    response = api(demo.ulla).post(f"/api/ivpa/responders/{ivpa.lars.pk}/revoke/",
                                   {"reason": "Intyget var inte hans"}, format="json")
    assert response.status_code == 200 and response.json()["approval"] == "revoked"
    after = lars.get(f"/api/ivpa/alerts/{alert.pk}/").json()
    assert after["status"] == AlertStatus.STOOD_DOWN and after["destination"] is None
    step = ResponderApproval.objects.get(responder=ivpa.lars, action=ApprovalAction.REVOKED)
    assert (step.by, step.reason) == (demo.ulla, "Intyget var inte hans")


def _revoked_behind_the_waves_back(responder: Responder) -> None:
    """What a revocation that raced a wave leaves behind (review of issue 12, item 5): the wave
    chose the volunteer before the revocation committed, so the revocation's stand-down never
    saw the alert; the row says revoked, the alert still runs."""
    Responder.objects.filter(pk=responder.pk).update(
        approval=Approval.REVOKED, trained_on=None, approved_until=None, approved_at=None,
        approved_by=None)


def test_a_volunteer_revoked_behind_a_waves_back_cannot_accept_and_is_stood_down(
        arrest, ivpa, api):
    from audit.models import AccessLogEntry

    case = arrest(door_code="1942")
    alert = alerted(case)["lars"]
    _revoked_behind_the_waves_back(ivpa.lars)
    before = AccessLogEntry.objects.count()
    answer = api(ivpa.lars.user).post(f"/api/ivpa/alerts/{alert.pk}/accept/", {},
                                      format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == AlertStatus.STOOD_DOWN
    assert answer.json()["destination"] is None and "1942" not in answer.content.decode()
    alert.refresh_from_db()
    assert (alert.status, alert.accepted_at) == (AlertStatus.STOOD_DOWN, None)
    assert AccessLogEntry.objects.count() == before  # nothing of the case was shown
    from ivpa.streams import responder_stream
    from realtime.models import Event

    assert Event.objects.filter(stream=responder_stream(ivpa.lars.user_id),
                                type="alert.ended").exists()


def test_an_accepted_volunteer_revoked_behind_a_waves_back_no_longer_sees_the_door_code(
        arrest, ivpa, api):
    case = arrest(door_code="1942")
    alert = alerted(case)["lars"]
    lars = api(ivpa.lars.user)
    assert lars.post(f"/api/ivpa/alerts/{alert.pk}/accept/", {}, format="json").json()[
        "destination"]["door_code"] == "1942"
    _revoked_behind_the_waves_back(ivpa.lars)
    shown = lars.get(f"/api/ivpa/alerts/{alert.pk}/")
    assert shown.json()["destination"] is None and "1942" not in shown.content.decode()
    listed = lars.get("/api/ivpa/alerts/")
    assert "1942" not in listed.content.decode()


def test_an_approval_that_runs_out_while_on_the_way_keeps_the_address(arrest, ivpa, api):
    """Cleared on the day of the alert is enough: midnight does not take the address from
    someone on their way to a cardiac arrest."""
    case = arrest(door_code="1942")
    alert = alerted(case)["lars"]
    yesterday = timezone.now() - timedelta(days=1)
    ResponderAlert.objects.filter(pk=alert.pk).update(alerted_at=yesterday)
    Responder.objects.filter(pk=ivpa.lars.pk).update(approved_until=timezone.localdate(yesterday))
    answer = api(ivpa.lars.user).post(f"/api/ivpa/alerts/{alert.pk}/accept/", {},
                                      format="json").json()
    assert answer["status"] == AlertStatus.ACCEPTED
    assert answer["destination"]["door_code"] == "1942"


def test_revoking_an_accepted_volunteer_reopens_a_satisfied_callout_at_once(arrest, ivpa, demo):
    """Review of issue 12, item 6: the revocation leaves the callout as a decline would."""
    from ivpa.streams import IVPA_STREAM
    from realtime.models import Event
    from timers.models import Timer, TimerState

    services.municipality_update(municipality=ivpa.vasteras, by=None, needed=2, wave_size=3,
                                 aed_runners=2)
    case = arrest()
    callout = Callout.objects.get(case=case)
    alerts = alerted(case)
    assert "olle" not in alerts  # beyond the wave size
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    services.alert_accept(alert=alerts["eva"], by=ivpa.eva.user)
    callout.refresh_from_db()
    assert callout.satisfied_at is not None
    updates = Event.objects.filter(stream=IVPA_STREAM, type="callout.updated")
    seen = updates.count()

    services.responder_revoke(responder=ivpa.eva, by=demo.admin, reason="Intyget saknas")

    callout.refresh_from_db()
    assert callout.satisfied_at is None
    [wave] = Timer.objects.filter(kind=services.WAVE_TIMER, key=str(callout.pk),
                                  state=TimerState.PENDING)
    assert abs(wave.due_at - timezone.now()) < timedelta(seconds=5)
    assert updates.count() == seen + 1
    last = updates.order_by("-pk").first().data
    assert {a["responder"]: a["status"] for a in last["alerts"]}[ivpa.eva.pk] == "stood_down"
    services.callout_next_wave(callout_id=callout.pk)
    assert ResponderAlert.objects.get(callout=callout, responder=ivpa.olle).wave == 2


# --- existing rows of a real database ---------------------------------------------------------


def test_the_upgrade_leaves_every_existing_volunteer_waiting_for_approval(ivpa):
    from importlib import import_module

    migration = import_module("ivpa.migrations.0005_volunteers_await_approval")
    migration.volunteers_await_approval(django_apps, None)
    volunteers = Responder.objects.filter(kind=ResponderKind.VOLUNTEER)
    assert set(volunteers.values_list("approval", flat=True)) == {Approval.PENDING}
    assert not volunteers.filter(approved_until__isnull=False).exists()
    assert ResponderApproval.objects.filter(
        action=ApprovalAction.RESET, reason=migration.REASON).count() == volunteers.count()
    unit = Responder.objects.get(pk=ivpa.rtj2110.pk)
    assert not unit.approvals.exists()


# --- the Django admin -------------------------------------------------------------------------


def test_the_admin_action_asks_the_training_date_and_approves(ivpa, demo, client):
    _, frida = sign_up("frida", ivpa.vasteras)
    client.force_login(demo.admin)
    url = "/admin/ivpa/responder/"
    form = client.post(url, {"action": "approve_training", "_selected_action": [frida.pk]})
    assert form.status_code == 200 and b"trained_on" in form.content
    trained = timezone.localdate() - timedelta(days=10)
    done = client.post(url, {"action": "approve_training", "_selected_action": [frida.pk],
                             "apply": "1", "trained_on": trained.isoformat()})
    assert done.status_code == 302
    frida.refresh_from_db()
    assert (frida.approval, frida.trained_on, frida.approved_by) == (
        Approval.APPROVED, trained, demo.admin)


def test_a_coordinator_in_the_admin_sees_and_vets_only_her_volunteers(ivpa, demo, client):
    _, frida = sign_up("frida", ivpa.vasteras)
    _, sigge = sign_up("sigge", ivpa.sala)
    client.force_login(demo.ulla)
    page = client.get("/admin/ivpa/responder/")
    assert page.status_code == 200
    shown = page.content.decode()
    assert "Frida" in shown and "Sigge" not in shown and "Räddning 2110" not in shown
    assert client.get(f"/admin/ivpa/responder/{sigge.pk}/change/").status_code in (302, 404)
    # Her volunteer's page: read-only, with the vetting's history.
    services.responder_approve(responder=frida, by=demo.admin, reason="Intyg sett")
    own = client.get(f"/admin/ivpa/responder/{frida.pk}/change/").content.decode()
    assert "Intyg sett" in own and 'name="_save"' not in own
    client.post("/admin/ivpa/responder/", {"action": "revoke_approval",
                                           "_selected_action": [ivpa.lars.pk, sigge.pk]})
    assert Responder.objects.get(pk=ivpa.lars.pk).approval == Approval.REVOKED
    assert Responder.objects.get(pk=sigge.pk).approval == Approval.PENDING
    # Nothing else of the admin is hers.
    assert client.get("/admin/ivpa/callout/").status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 403


def test_the_admin_cannot_change_what_the_vetting_rests_on(ivpa, demo, client):
    """Review of issue 12, item 11: an administrator setting a volunteer's kind to fire/rescue
    made them alerted as a unit with no approval, and changing their training kept the
    approval of another training. Set when a responder is added; never edited after."""
    client.force_login(demo.admin)
    for responder in (ivpa.lars, ivpa.rtj2110):
        page = client.get(f"/admin/ivpa/responder/{responder.pk}/change/")
        assert page.status_code == 200 and 'name="_save"' in page.content.decode()
        form = page.context["adminform"].form
        assert {"kind", "training", "training_confirmed_at"}.isdisjoint(form.fields)
        assert "available" in form.fields  # the rest stays editable
    added = client.get("/admin/ivpa/responder/add/").context["adminform"].form
    assert {"kind", "training"} <= set(added.fields)


def test_a_coordinator_is_no_dispatcher(ivpa, demo, api):
    assert demo.ulla.role == Role.COORDINATOR
    assert api(demo.ulla).get("/api/cases/").status_code == 403
    assert api(demo.ulla).get("/api/ivpa/callouts/").status_code == 403


def test_a_volunteer_who_changed_their_training_can_still_be_erased(ivpa, api):
    """The history's `by` keeps an approver from being deleted (they are deactivated), never
    the volunteer: their own change is recorded without one."""
    api(ivpa.lars.user).patch("/api/ivpa/me/", {"training": "first_aid"}, format="json")
    assert ResponderApproval.objects.filter(responder=ivpa.lars).exists()
    User.objects.filter(pk=ivpa.lars.user_id).delete()
    assert not ResponderApproval.objects.filter(responder_id=ivpa.lars.pk).exists()
