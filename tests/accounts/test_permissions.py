"""Role permissions (accounts.permissions) and the user model's role helpers."""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIRequestFactory

from accounts.models import Role, User
from accounts.permissions import IsAdministrator, IsCrew, IsDispatcher, IsDispatcherOrCrew

EXPECTED = {
    # role:          dispatcher, crew, dispatcher-or-crew, administrator
    Role.DISPATCHER: (True, False, True, False),
    Role.CREW: (False, True, True, False),
    Role.RESPONDER: (False, False, False, False),
    Role.MOBILE_CARE: (False, False, False, False),
    Role.ADMIN: (True, False, True, True),
}


def allowed(permission, user) -> bool:
    request = APIRequestFactory().get("/")
    request.user = user
    return permission().has_permission(request, None)


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_passes_exactly_its_permissions(role):
    user = User(username=f"x-{role}", role=role)
    got = tuple(allowed(p, user) for p in (IsDispatcher, IsCrew, IsDispatcherOrCrew,
                                           IsAdministrator))
    assert got == EXPECTED[role]


def test_anonymous_passes_none():
    for permission in (IsDispatcher, IsCrew, IsDispatcherOrCrew, IsAdministrator):
        assert not allowed(permission, AnonymousUser())


def test_a_superuser_passes_every_role_permission():
    user = User(username="root", role=Role.RESPONDER, is_superuser=True)
    assert all(allowed(p, user) for p in (IsDispatcher, IsCrew, IsDispatcherOrCrew,
                                          IsAdministrator))
    assert user.is_administrator and not user.is_dispatcher


def test_role_helpers_and_display_name():
    anna = User(username="anna", role=Role.DISPATCHER, display_name="Anna Lindqvist")
    sara = User(username="sara", role=Role.CREW)
    assert anna.is_dispatcher and not anna.is_crew and not anna.is_administrator
    assert sara.is_crew and str(sara) == "sara" and str(anna) == "Anna Lindqvist"
