"""The referral's life cycle, with the responsible party checked at every step."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, Forbidden, Invalid
from dispatch.models import Case, CaseStatus
from dispatch.services import case_close
from realtime.models import Event
from referrals import selectors, services
from referrals.models import Referral, ReferralTransition
from timers.models import Timer, TimerState
from timers.services import fire_due_timers


def soon(minutes=60):
    return timezone.now() + timedelta(minutes=minutes)


def who(referral):
    referral = Referral.objects.get(pk=referral.pk)
    return referral.state, referral.responsible, \
        selectors.case_responsibility(referral.case)["party"]


def trail(referral):
    return list(ReferralTransition.objects.filter(referral=referral)
                .values_list("from_state", "to_state", "responsible_after"))


def types(stream):
    return list(Event.objects.filter(stream=stream, type__startswith="referral.")
                .order_by("seq").values_list("type", flat=True))


def test_sent_accepted_visited_with_the_responsible_party_at_every_step(demo, care, send):
    referral = send()
    assert who(referral) == ("sent", "centre", "centre")
    referral = services.referral_accept(referral=referral, by=care.karin,
                                        expected_visit_at=soon())
    assert who(referral) == ("accepted", "unit", "unit")
    assert selectors.case_responsibility(referral.case)["unit_call_sign"] == "MVE 1500"
    referral = services.referral_record_outcome(referral=referral, by=care.karin,
                                                outcome="treated_at_home",
                                                note="Kateter bytt, odling tagen.")
    # The unit, last to handle the patient, stays responsible for what it did, and the case
    # says the same (seed 003): never the referral one party and the case another.
    assert who(referral) == ("visited", "unit", "unit")
    # Read back from the row: the outcome that decides the responsible party is stored too.
    assert (referral.outcome, referral.outcome_note) == ("treated_at_home",
                                                         "Kateter bytt, odling tagen.")
    assert trail(referral) == [("", "sent", "centre"), ("sent", "accepted", "unit"),
                               ("accepted", "visited", "unit")]
    assert types("dispatch") == ["referral.created", "referral.accepted", "referral.visited"]
    unit_stream = f"unit.{care.mve1500.pk}"
    assert types(unit_stream) == ["referral.created", "referral.updated", "referral.updated"]
    assert referral.new_case is None


def test_a_decline_needs_a_reason_and_leaves_the_centre_responsible(demo, care, send):
    referral = send()
    with pytest.raises(Invalid, match="reason"):
        services.referral_decline(referral=referral, by=care.karin, reason=" ")
    assert who(referral) == ("sent", "centre", "centre")
    referral = services.referral_decline(referral=referral, by=care.karin,
                                         reason="Ingen sjuksköterska med kateterkompetens")
    assert who(referral) == ("declined", "centre", "centre")
    assert referral.decline_reason.startswith("Ingen")
    assert "referral.declined" in types("dispatch")
    # The dispatcher may now refer the same case elsewhere.
    care.mve3500.care_profile.municipalities = ["Västerås"]
    care.mve3500.care_profile.save()
    second = send(case=referral.case, unit=care.mve3500, skills=[])
    assert who(second) == ("sent", "centre", "centre")
    assert Referral.objects.filter(case=referral.case).count() == 2


def test_nobody_accepting_in_time_alerts_the_dispatcher_and_keeps_the_centre_responsible(
        demo, care, send, clock, settings):
    settings.REFERRAL_ACCEPT_SECONDS = 600
    referral = send()
    clock.advance(599)
    fire_due_timers()
    assert not Referral.objects.get(pk=referral.pk).overdue
    clock.advance(2)
    fire_due_timers()
    referral = Referral.objects.get(pk=referral.pk)
    assert referral.overdue and referral.overdue_at == clock.now
    assert who(referral) == ("sent", "centre", "centre")
    overdue = Event.objects.get(stream="dispatch", type="referral.overdue")
    assert overdue.data["id"] == referral.pk and overdue.data["overdue"] is True
    assert overdue.data["responsible"] == "centre"
    assert ReferralTransition.objects.filter(referral=referral, by__isnull=True,
                                             note__contains="Not accepted").exists()
    # Still open: the unit may still accept, or the dispatcher withdraw and pick another.
    referral = services.referral_accept(referral=referral, by=care.karin,
                                        expected_visit_at=clock.now + timedelta(minutes=30))
    assert who(referral) == ("accepted", "unit", "unit")


def test_an_answer_in_time_cancels_the_overdue_timer(demo, care, send):
    referral = send()
    services.referral_accept(referral=referral, by=care.karin, expected_visit_at=soon())
    assert Timer.objects.get(kind=services.ACCEPT_TIMER, key=str(referral.pk)).state == \
        TimerState.CANCELLED


def test_needs_ambulance_creates_a_new_case_with_the_history(demo, care, send):
    referral = send(handover={"reason": "Feber, kateter", "assessment": "Stabil",
                              "respiratory_rate": 22, "pulse": 112})
    case = referral.case
    referral = services.referral_accept(referral=referral, by=care.karin,
                                        expected_visit_at=soon())
    referral = services.referral_record_outcome(
        referral=referral, by=care.karin, outcome="needs_ambulance",
        note="Septisk bild, BT 85 systoliskt")
    assert who(referral) == ("visited", "centre", "centre")
    assert referral.outcome == "needs_ambulance"
    new = referral.new_case
    assert new is not None and new.pk != case.pk and new.status == CaseStatus.OPEN
    assert new.priority == "1B" and new.mbs_priority == "1B"
    assert new.personal_identity_number == case.personal_identity_number
    assert new.address == case.address and new.caller_number == "+46701234567"
    assert new.created_by == care.karin
    assert f"From referral {referral.pk} to MVE 1500" in new.notes
    assert "Septisk bild" in new.notes and "Feber, kateter" in new.notes
    assert "NEWS2 at referral: 4 (incomplete)" in new.notes
    assert new.from_referral == referral
    assert Event.objects.filter(stream="dispatch", type="case.created",
                                data__id=new.pk).exists()
    visited = Event.objects.get(stream="dispatch", type="referral.visited")
    assert visited.data["new_case"] == new.pk and visited.data["responsible"] == "centre"


def test_the_unit_may_choose_the_new_cases_priority(demo, care, send):
    referral = services.referral_accept(referral=send(), by=care.karin,
                                        expected_visit_at=soon())
    with pytest.raises(Invalid, match="priority"):
        services.referral_record_outcome(referral=referral, by=care.karin,
                                         outcome="needs_ambulance", priority="referral")
    referral = services.referral_record_outcome(referral=referral, by=care.karin,
                                                outcome="needs_ambulance", priority="1A")
    assert referral.new_case.priority == "1A"


def test_referred_on_says_to_whom(demo, care, send):
    referral = services.referral_accept(referral=send(), by=care.karin,
                                        expected_visit_at=soon())
    with pytest.raises(Invalid, match="referred_on_to"):
        services.referral_record_outcome(referral=referral, by=care.karin,
                                         outcome="referred_on")
    referral = services.referral_record_outcome(referral=referral, by=care.karin,
                                                outcome="referred_on",
                                                referred_on_to="Vårdcentralen Skiljebo")
    assert who(referral) == ("visited", "unit", "unit")
    assert (referral.outcome, referral.referred_on_to) == ("referred_on",
                                                           "Vårdcentralen Skiljebo")


def test_withdraw_then_accept_is_refused_saying_the_centre_holds_the_patient(demo, care, send):
    referral = send()
    services.referral_withdraw(referral=referral, by=demo.anna)
    with pytest.raises(Conflict, match="withdrew this referral") as refused:
        services.referral_accept(referral=referral, by=care.karin, expected_visit_at=soon())
    assert refused.value.extra == {"state": "withdrawn", "responsible": "centre"}
    assert who(referral) == ("withdrawn", "centre", "centre")


def test_a_second_acceptance_is_refused(demo, care, send):
    referral = send()
    services.referral_accept(referral=referral, by=care.karin, expected_visit_at=soon())
    with pytest.raises(Conflict, match="already accepted .* by Karin Mobil; MVE 1500 is "
                                       "responsible"):
        services.referral_accept(referral=referral, by=care.karin, expected_visit_at=soon())
    assert ReferralTransition.objects.filter(referral=referral, to_state="accepted").count() == 1


def test_two_units_racing_for_one_patient_one_wins(demo, care, send):
    """MVE 1500 opened the referral and is about to accept while the dispatcher withdraws it
    and refers the patient to MVE 3500, which accepts first: MVE 1500's stale acceptance is
    refused, and MVE 3500 holds the patient."""
    care.mve3500.care_profile.municipalities = ["Västerås"]
    care.mve3500.care_profile.save()
    first = send()
    stale = Referral.objects.get(pk=first.pk)  # what MVE 1500's tablet loaded
    services.referral_withdraw(referral=first, by=demo.anna)
    second = send(case=first.case, unit=care.mve3500, skills=[])
    services.referral_accept(referral=second, by=care.mats, expected_visit_at=soon())
    with pytest.raises(Conflict, match="withdrew"):
        services.referral_accept(referral=stale, by=care.karin, expected_visit_at=soon())
    responsibility = selectors.case_responsibility(first.case)
    assert responsibility["party"] == "unit" and responsibility["unit"] == care.mve3500.pk


def test_an_accepted_referral_cannot_be_replaced_without_withdrawing_it(demo, care, send):
    referral = send()
    services.referral_accept(referral=referral, by=care.karin, expected_visit_at=soon())
    care.mve3500.care_profile.municipalities = ["Västerås"]
    care.mve3500.care_profile.save()
    with pytest.raises(Conflict, match="already has an open referral to MVE 1500"):
        send(case=referral.case, unit=care.mve3500, skills=[])
    with pytest.raises(Invalid, match="give the reason"):
        services.referral_withdraw(referral=referral, by=demo.anna)
    referral = services.referral_withdraw(referral=referral, by=demo.anna,
                                          reason="Patienten ringde igen, sämre")
    assert who(referral) == ("withdrawn", "centre", "centre")
    assert Event.objects.filter(stream=f"unit.{care.mve1500.pk}",
                                type="referral.withdrawn").exists()


def test_only_the_units_staff_answer(demo, care, send):
    referral = send()
    for user in (care.mats, demo.anna, demo.sara):
        with pytest.raises(Forbidden):
            services.referral_accept(referral=referral, by=user, expected_visit_at=soon())
    assert who(referral) == ("sent", "centre", "centre")


def test_the_visit_time_must_come_before_the_deadline(demo, care, send):
    referral = send(deadline=soon(120))
    with pytest.raises(Invalid, match="Decline instead"):
        services.referral_accept(referral=referral, by=care.karin, expected_visit_at=soon(180))
    with pytest.raises(Invalid, match="expected_visit_at"):
        services.referral_accept(referral=referral, by=care.karin, expected_visit_at=None)
    assert who(referral) == ("sent", "centre", "centre")


def test_the_outcome_needs_an_accepted_referral(demo, care, send):
    referral = send()
    with pytest.raises(Conflict, match="not been accepted yet"):
        services.referral_record_outcome(referral=referral, by=care.karin,
                                         outcome="treated_at_home")


def test_closing_the_case_withdraws_a_referral_waiting_for_an_answer(demo, care, send):
    referral = send()
    case_close(case=referral.case, by=demo.anna)
    referral = Referral.objects.get(pk=referral.pk)
    assert who(referral) == ("withdrawn", "centre", "centre")
    assert "closed" in referral.withdraw_reason


def test_closing_the_case_leaves_an_accepted_referral_with_the_unit(demo, care, send):
    referral = send()
    services.referral_accept(referral=referral, by=care.karin, expected_visit_at=soon())
    case_close(case=referral.case, by=demo.anna)
    assert Case.objects.get(pk=referral.case_id).status == CaseStatus.CLOSED
    assert who(referral) == ("accepted", "unit", "unit")


def test_closing_the_case_as_the_unit_accepts_leaves_the_patient_with_the_unit(
        demo, care, send, monkeypatch):
    """The unit's acceptance lands between the close's look (still sent) and its withdrawal:
    the acceptance stands and the unit holds the patient; the withdrawal is refused."""
    from referrals.services import moves

    referral = send()
    withdraw = services.referral_withdraw

    def accepted_in_between(**kwargs):
        services.referral_accept(referral=referral, by=care.karin, expected_visit_at=soon())
        return withdraw(**kwargs)

    # The close's withdrawal calls referral_withdraw inside referrals.services.moves.
    monkeypatch.setattr(moves, "referral_withdraw", accepted_in_between)
    with pytest.raises(Conflict, match="already accepted"):
        services.referral_withdraw_for_closed_case(case=referral.case)
    assert who(referral) == ("accepted", "unit", "unit")
    assert trail(referral) == [("", "sent", "centre"), ("sent", "accepted", "unit")]


def test_the_database_refuses_two_open_referrals_for_one_case(demo, care, send):
    from django.db import IntegrityError, transaction

    referral = send()
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(**{
            f.attname: getattr(referral, f.attname) for f in Referral._meta.concrete_fields
            if f.name != "id"})


def test_the_database_refuses_a_responsible_party_that_does_not_fit_the_state(demo, care, send):
    from django.db import IntegrityError, transaction

    referral = send()
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(responsible="unit")


def test_the_unit_is_reminded_when_nobody_answered_in_time(demo, care, send, clock):
    referral = send()
    clock.advance(601)
    fire_due_timers()
    assert types(f"unit.{care.mve1500.pk}") == ["referral.created", "referral.overdue"]
    from push.services import NOTIFY_KIND

    titles = [t.payload["notification"]["title"] for t in Timer.objects.filter(
        kind=NOTIFY_KIND, payload__stream=f"unit.{care.mve1500.pk}").order_by("pk")]
    assert titles == ["Ny hänvisning", "Obesvarad hänvisning"]
    assert Referral.objects.get(pk=referral.pk).overdue


def test_a_deadline_passing_unseen_alerts_both_sides(demo, care, send, clock):
    referral = send(deadline=clock.now + timedelta(hours=2))
    services.referral_accept(referral=referral, by=care.karin,
                             expected_visit_at=clock.now + timedelta(hours=1))
    clock.advance(2 * 3600 + 1)
    fire_due_timers()
    assert "referral.deadline_passed" in types("dispatch")
    assert "referral.deadline_passed" in types(f"unit.{care.mve1500.pk}")
    # Whoever holds the patient still does: the unit accepted.
    assert who(referral) == ("accepted", "unit", "unit")
    assert ReferralTransition.objects.filter(referral=referral, by__isnull=True,
                                             note__contains="latest time").exists()


def test_a_visit_in_time_cancels_the_deadline_alarm(demo, care, send, clock):
    referral = send(deadline=clock.now + timedelta(hours=2))
    referral = services.referral_accept(referral=referral, by=care.karin,
                                        expected_visit_at=clock.now + timedelta(hours=1))
    services.referral_record_outcome(referral=referral, by=care.karin,
                                     outcome="treated_at_home")
    clock.advance(3 * 3600)
    fire_due_timers()
    assert "referral.deadline_passed" not in types("dispatch")


def test_a_withdrawal_wakes_the_unit_that_may_be_on_its_way(demo, care, send):
    from push.services import NOTIFY_KIND

    referral = send()
    services.referral_accept(referral=referral, by=care.karin, expected_visit_at=soon())
    services.referral_withdraw(referral=referral, by=demo.anna, reason="Ambulans skickad")
    [wake] = Timer.objects.filter(kind=NOTIFY_KIND, payload__stream=f"unit.{care.mve1500.pk}",
                                  payload__type="referral.withdrawn")
    assert wake.payload["notification"]["title"] == "Hänvisningen är återkallad"


@pytest.mark.parametrize("priority", ["1A", "1B", "2A", "2B"])
def test_a_case_at_a_priority_that_is_not_referred_is_refused(demo, care, send, referral_case,
                                                              priority):
    # The console hides its referral panel for these (the page's referral table carries
    # settings.REFERRAL_PRIORITIES); the server refuses them whatever a screen sends.
    case = referral_case(priority=priority, mbs_priority=priority)
    with pytest.raises(Conflict, match=f"priority {priority} is not referred"):
        send(case=case)
    assert not Referral.objects.filter(case=case).exists()


def test_a_priority_3_case_may_be_referred(demo, care, send, referral_case):
    referral = send(case=referral_case(priority="3", mbs_priority="3"))
    assert referral.state == "sent"


def test_why_a_unit_does_not_fit_is_said_in_words_not_codes(demo, care, referral_case):
    from django.utils import translation
    profile = care.mve1500.care_profile
    profile.opening_hours = "Mo-Fr 08:00-08:01"
    profile.skills = ["catheter_care"]
    profile.save()
    case = referral_case()
    with translation.override("sv"):
        fit = selectors.unit_fit(care.mve1500, profile, case, skills=["wound_care"],
                                 now=timezone.now().replace(hour=3), open_referrals=0)
        message = fit.message()
    assert "Såromläggning" in message and "wound_care" not in message
    assert "mån–fre 08–08.01" in message and "Mo-Fr" not in message
