"""Personas and helpers shared by the suite.

Personas (from the demo data, `seed_demo`):
- anna: dispatcher at the centre.
- sara: crew member, joined to AMB 1010 (Västerås).
- johan: crew member, joined to AMB 3010 (Uppsala): the "other unit".
- ali: crew member, joined to AMB 1020 (Västerås): a second manned ambulance there (an
  unmanned unit is not dispatched without an override reason: dispatch/dispatchable.py).
- maria: crew member on no unit.
- lars: first responder (volunteer).
- karin: mobile care staff.
- admin: administrator.
- ulla: IVPA coordinator of Västerås (staff: the admin's responder list, her volunteers only).

Also `clock`: a controllable timezone.now() for timers and deadlines.
"""

import copy
import importlib
import uuid
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone, translation
from rest_framework.test import APIClient

from accounts.models import User
from crews.models import Region, Unit
from crews.services import crew_join


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))
    users = {u.username: u for u in User.objects.all()}
    units = {u.call_sign: u for u in Unit.objects.all()}
    crew_join(user=users["sara"], unit=units["AMB 1010"])
    crew_join(user=users["johan"], unit=units["AMB 3010"])
    crew_join(user=users["ali"], unit=units["AMB 1020"])
    return SimpleNamespace(
        anna=users["anna"], sara=users["sara"], johan=users["johan"], maria=users["maria"],
        ali=users["ali"],
        lars=users["lars"], karin=users["karin"], admin=users["admin"], ulla=users["ulla"],
        greta=users["greta"], tove=users["tove"],
        amb1010=units["AMB 1010"], amb1020=units["AMB 1020"], amb3010=units["AMB 3010"],
        amb4010=units["AMB 4010"],
        vml=Region.objects.get(code="VML"), upp=Region.objects.get(code="UPP"),
        srm=Region.objects.get(code="SRM"), users=users, units=units,
    )


@pytest.fixture
def api():
    """api(user) -> an APIClient signed in as `user` (or anonymous with None)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


def case_payload(region, **overrides) -> dict:
    payload = {
        "region": region.pk,
        "caller_number": "+46701234567",
        "address": "Stora torget 1, Västerås",
        "latitude": 59.6099,
        "longitude": 16.5448,
        "complaint": "Bröstsmärta",
        "mbs_priority": "1A",
        "priority": "1A",
        "personal_identity_number": "19121212-1212",
        "patient_name": "Tolvan Tolvansson",
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def new_case(demo, django_capture_on_commit_callbacks):
    """new_case(**fields) -> a registered case (by anna), committed as far as the test's
    transaction allows: what runs after the registration's commit (events sent, IVPA's start)
    has run."""
    from dispatch.services import case_register

    def make(**overrides):
        data = case_payload(demo.vml, **overrides)
        data["region"] = Region.objects.get(pk=data["region"])
        with django_capture_on_commit_callbacks(execute=True):
            return case_register(by=demo.anna, **data)

    return make


@pytest.fixture(autouse=True)
def cache_of_its_own(settings):
    """Rate limits count in a cache of the test's own: in the production shape the cache is
    the shared Redis, where an earlier test or run with the same user ids would still count."""
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"t{uuid.uuid4().hex[:12]}"
    settings.CACHES = caches


@pytest.fixture(autouse=True)
def timers_soon_inline(settings):
    """A timer fired after its commit (core.background.timer_fire_after_commit) runs inline
    once the commit's callbacks run, not in a thread the test would have to wait for."""
    settings.TIMER_SOON_THREADS = 0


@pytest.fixture(autouse=True)
def english_messages(settings):
    """Assertions read the English source messages; Swedish, the product's default, is
    checked on its own in tests/core/test_language.py. A language activated by an earlier
    request stays active in the thread, so it is overridden here too."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """seed_demo sets nine passwords; the production hasher makes that seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_audit_triggers = importlib.import_module("audit.migrations.0002_append_only_triggers")


@contextmanager
def access_log_triggers_off():
    """The access log refuses DELETE and TRUNCATE by trigger (audit migration 0002), so
    Django's flush after a transactional test fails (on PostgreSQL always: TRUNCATE is
    refused even on an empty table). Only the test harness lifts them, only for the flush."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {_audit_triggers.TABLE} DISABLE TRIGGER USER")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {_audit_triggers.TABLE} ENABLE TRIGGER USER")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in _audit_triggers.SQLITE_DOWN:
                cursor.execute(statement)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for statement in _audit_triggers.SQLITE_UP:
                    cursor.execute(statement)
    else:
        yield


@pytest.fixture(scope="session", autouse=True)
def flushable_access_log():
    original = TransactionTestCase._fixture_teardown

    def fixture_teardown(self):
        with access_log_triggers_off():
            original(self)

    TransactionTestCase._fixture_teardown = fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = original


@pytest.fixture
def clock(monkeypatch):
    """A controllable clock: clock.advance(seconds) moves timezone.now() forward."""
    state = SimpleNamespace(now=timezone.now())

    def advance(seconds: float):
        state.now += timedelta(seconds=seconds)
        return state.now

    monkeypatch.setattr(timezone, "now", lambda: state.now)
    state.advance = advance
    return state


LIVE_FOLDERS = {"e2e", "cluster", "deploy"}


def pytest_collection_modifyitems(config, items):
    """`live`: a test that starts real processes (a live product, a browser, systemd units, a
    Redis of its own) gets the mark by where it is and what it imports, so CI can run the rest
    of both shapes side by side first (each a single busy process) and these after, one shape
    at a time."""
    for item in items:
        module = getattr(item, "module", None)
        folder = item.path.parent.name
        if folder in LIVE_FOLDERS or (module is not None and (
                "LiveProduct" in vars(module) or "RedisServer" in vars(module))):
            item.add_marker(pytest.mark.live)
