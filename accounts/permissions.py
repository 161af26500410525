"""DRF permissions by role."""

from rest_framework.permissions import BasePermission

from .models import Role


class HasRole(BasePermission):
    roles: tuple[str, ...] = ()
    message = "Your role may not do this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.is_superuser or user.role in self.roles


def role_permission(*roles: str) -> type[HasRole]:
    return type(f"Role_{'_'.join(roles)}", (HasRole,), {"roles": tuple(roles)})


IsDispatcher = role_permission(Role.DISPATCHER, Role.ADMIN)
IsCrew = role_permission(Role.CREW)
IsDispatcherOrCrew = role_permission(Role.DISPATCHER, Role.ADMIN, Role.CREW)
IsAdministrator = role_permission(Role.ADMIN)
