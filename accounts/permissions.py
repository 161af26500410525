"""DRF permissions by role."""

from rest_framework.permissions import BasePermission

from .models import Role
from .roles import CONSOLE_ROLES, SHIFT_ROLES, has_role


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
