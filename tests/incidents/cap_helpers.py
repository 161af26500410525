"""What the CAP tests share: signing keys of the test session's own, settings for quick
retries, regions with loopback endpoints, a confirmed incident with its report, and the
alarm sent to the regions (the CAP part alone: a message and its deliveries)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from incidents.cap import cap_message_create
from incidents.models import (
    AlarmRegion,
    IncidentState,
    MajorIncident,
    RegionAlarm,
    SituationReport,
)
from incidents.services.cap_delivery import cap_deliveries_start, cap_wait_idle
from push import sender
from timers.services import fire_due_timers

from .cap_standin import CapStandin


@pytest.fixture(scope="session")
def cap_keys(tmp_path_factory):
    from incidents.cap.sign import signing_key_generate

    where = tmp_path_factory.mktemp("cap-keys")
    key_file, cert_file = where / "key.pem", where / "cert.pem"
    signing_key_generate(key_file=key_file, cert_file=cert_file,
                         sender="larmcentral@larmkedjan.example")
    return key_file, cert_file


@pytest.fixture
def cap_settings(settings, cap_keys):
    from django.db import connections

    settings.CAP_SIGNING_KEY_FILE, settings.CAP_SIGNING_CERT_FILE = cap_keys
    settings.CAP_SENDER = "larmcentral@larmkedjan.example"
    settings.CAP_TIMEOUT_SECONDS = 3
    settings.CAP_RETRY_SECONDS = 2
    settings.CAP_RETRY_MAX_SECONDS = 60
    settings.PUSH_SEND_THREADS = 0 if connections["default"].vendor == "sqlite" else 2
    settings.SMS_BACKEND = "console"
    yield settings
    assert cap_wait_idle(15) and sender.wait_idle(15)


@pytest.fixture
def standins(cap_settings):
    """standins(n) -> n loopback endpoints (tokens "token-<i>"), closed after the test."""
    made = []
    cert = cap_settings.CAP_SIGNING_CERT_FILE.read_bytes()

    def make(n: int = 1, **kwargs):
        new = [CapStandin(cert_pem=cert, token=f"token-{len(made) + i}", **kwargs)
               for i in range(n)]
        made.extend(new)
        return new

    yield make
    for standin in made:
        try:
            standin.down()
        except OSError:
            pass


def region_add(code: str, name: str, standin: CapStandin | None = None,
               sender: str = "") -> AlarmRegion:
    return AlarmRegion.objects.create(
        code=code, name=name, cap_endpoint=standin.url if standin else "",
        cap_token=standin.token if standin else "", cap_sender=sender, sort_order=50)


def incident_confirmed(demo, *, exercise: bool = False, **fields) -> MajorIncident:
    now = timezone.now()
    incident = MajorIncident.objects.create(
        title=fields.pop("title", "Bussolycka E18 vid Köping"), state=IncidentState.CONFIRMED,
        exercise=exercise, region=demo.vml, location="E18 trafikplats Köping",
        latitude=59.5141, longitude=15.9926, raised_by=demo.anna, raised_at=now,
        confirmed_by=demo.users["tove"], confirmed_at=now, **fields)
    SituationReport.objects.create(
        incident=incident, version=1, major_incident_declared=True,
        exact_location="E18 km 112, norrgående", incident_type="Buss i diket",
        hazards="Läckande diesel", access="Från trafikplats Köping", casualties_total=30,
        casualties_red=4, casualties_yellow=10, casualties_green=16, casualties_dead=0,
        services_present="2 ambulanser, räddningstjänst", services_required="10 ambulanser",
        written_by=demo.anna, written_at=now)
    return incident


def alarm_send(incident: MajorIncident, regions: list[AlarmRegion], msg_type: str = "Alert"):
    """The CAP part of the alarm: the message and its deliveries, committed (sent after)."""
    with transaction.atomic():
        alarms = [RegionAlarm.objects.get_or_create(
            incident=incident, alarm_region=r, defaults={"sent_at": timezone.now()})[0]
            for r in regions]
        message = cap_message_create(incident=incident, msg_type=msg_type)
        cap_deliveries_start(message=message, region_alarms=alarms)
    assert cap_wait_idle(15)
    return message


def fire(after_seconds: float) -> int:
    """The timers due `after_seconds` from now fired, and the sends they started waited for."""
    fired = fire_due_timers(now=timezone.now() + timedelta(seconds=after_seconds))
    assert cap_wait_idle(15) and sender.wait_idle(15)
    return fired
