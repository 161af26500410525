"""DRF permissions by role."""

from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission

from .models import Role
from .roles import CONSOLE_ROLES, SHIFT_ROLES, has_role, is_partner


class HasRole(BasePermission):
    roles: tuple[str, ...] = ()
    message = "Your role may not do this."

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, *self.roles)


def role_permission(*roles: str) -> type[HasRole]:
    return type(f"Role_{'_'.join(roles)}", (HasRole,), {"roles": tuple(roles)})


IsDispatcher = role_permission(*CONSOLE_ROLES)
IsShiftStaff = role_permission(*SHIFT_ROLES)
IsDispatcherOrCrew = role_permission(*CONSOLE_ROLES, Role.CREW)
IsAdministrator = role_permission(Role.ADMIN)


class IsSignedInStaff(BasePermission):
    """The default: anyone signed in but a partner organisation's account, which reaches the
    shared risk notices only (safety.views.partners)."""

    message = ("A partner organisation's account reaches only the shared risk notices "
               "(/api/safety/notices/).")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated) and not is_partner(user)


class SameSiteRequest(BasePermission):
    """For the views that sign a browser in without being signed in yet (sign-in, a
    volunteer's sign-up): the request must carry this site's CSRF token (and an Origin of
    this site, when the browser sends one), as every request of a signed-in browser does. A
    foreign page then cannot sign a browser in to an account of its choosing (login CSRF).
    Integrations sign in with POST /api/auth/token/, which sets no cookie."""

    def has_permission(self, request, view) -> bool:
        try:
            SessionAuthentication().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise exceptions.PermissionDenied(
                "Sign in from this site's page: the request carries no valid CSRF token "
                "(the csrftoken cookie's value in X-CSRFToken).") from None
        return True
