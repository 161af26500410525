"""Role permissions (accounts.permissions) and the role questions (accounts.roles)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIRequestFactory

from accounts.models import Role, User
from accounts.permissions import (
    IsAdministrator,
    IsDispatcher,
    IsDispatcherOrCrew,
    IsShiftStaff,
)
from accounts.roles import has_role, is_administrator, is_dispatcher, joins_shifts

EXPECTED = {
    # role:          dispatcher, shift staff, dispatcher-or-crew, administrator
    Role.DISPATCHER: (True, False, True, False),
    Role.CREW: (False, True, True, False),
    Role.RESPONDER: (False, False, False, False),
    Role.MOBILE_CARE: (False, True, False, False),
    Role.ADMIN: (True, False, True, True),
}


def allowed(permission, user) -> bool:
    request = APIRequestFactory().get("/")
    request.user = user
    return permission().has_permission(request, None)


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_passes_exactly_its_permissions(role):
    user = User(username=f"x-{role}", role=role)
    got = tuple(allowed(p, user) for p in (IsDispatcher, IsShiftStaff, IsDispatcherOrCrew,
                                           IsAdministrator))
    assert got == EXPECTED[role]


def test_anonymous_passes_none():
    for permission in (IsDispatcher, IsShiftStaff, IsDispatcherOrCrew, IsAdministrator):
        assert not allowed(permission, AnonymousUser())


def test_a_superuser_passes_every_role_permission():
    user = User(username="root", role=Role.RESPONDER, is_superuser=True)
    assert all(allowed(p, user) for p in (IsDispatcher, IsShiftStaff, IsDispatcherOrCrew,
                                          IsAdministrator))
    # A superuser holds every role: a dispatcher too (User.is_dispatcher, removed, said not).
    assert is_administrator(user) and is_dispatcher(user)


def test_role_questions_and_display_name():
    anna = User(username="anna", role=Role.DISPATCHER, display_name="Anna Lindqvist")
    sara = User(username="sara", role=Role.CREW)
    admin = User(username="admin", role=Role.ADMIN)
    assert is_dispatcher(anna) and not has_role(anna, Role.CREW) and not is_administrator(anna)
    assert has_role(sara, Role.CREW) and not is_dispatcher(sara)
    # An administrator works the console as a dispatcher does.
    assert is_dispatcher(admin) and is_administrator(admin)
    assert not is_dispatcher(AnonymousUser()) and not is_dispatcher(None)
    assert str(sara) == "sara" and str(anna) == "Anna Lindqvist"


@pytest.mark.parametrize(("role", "joins"), [
    (Role.CREW, True), (Role.MOBILE_CARE, True), (Role.DISPATCHER, False),
    (Role.RESPONDER, False), (Role.ADMIN, False)])
def test_crews_and_mobile_care_staff_join_shifts(role, joins):
    assert joins_shifts(User(username=f"x-{role}", role=role)) is joins


def test_createsuperuser_makes_an_administrator(db):
    from django.core.management import call_command

    call_command("createsuperuser", username="root", email="", interactive=False,
                 stdout=open("/dev/null", "w"))
    root = User.objects.get(username="root")
    assert root.role == Role.ADMIN and root.is_superuser and is_administrator(root)
