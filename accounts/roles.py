"""Who holds which role: the one home of the questions views, services, serializers and
streams ask about a user's role (*roll*)."""

from .models import Role

# The roles that work the dispatch console. An administrator sees everything a dispatcher
# sees (and the access log besides), so everywhere a dispatcher may look, so may they.
CONSOLE_ROLES: tuple[str, ...] = (Role.DISPATCHER, Role.ADMIN)
# The roles that join a unit for the shift (*pass*): ambulance crews and mobile care staff.
SHIFT_ROLES: tuple[str, ...] = (Role.CREW, Role.MOBILE_CARE)


def has_role(user, *roles: str) -> bool:
    """Whether a signed-in user holds one of `roles`. A superuser holds every role."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or getattr(user, "role", None) in roles


def has_own_role(user, *roles: str) -> bool:
    """Whether a signed-in user's own role is one of `roles`, a superuser's too: for a door
    that must stay shut to a superuser whose role is not named (identity.services: who may
    sign in through an identity provider)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return getattr(user, "role", None) in roles


def is_dispatcher(user) -> bool:
    """Works the dispatch console (*larmoperatör*): a dispatcher, or an administrator."""
    return has_role(user, *CONSOLE_ROLES)


def is_administrator(user) -> bool:
    """Keeps the system: the access log, patient log extracts, the Django admin."""
    return has_role(user, Role.ADMIN)


def is_coordinator(user) -> bool:
    """Coordinates a municipality's volunteers (*IVPA-samordnare*): approves their training,
    for the municipalities ivpa.Municipality.coordinators names (an administrator approves
    everyone's)."""
    return getattr(user, "is_authenticated", False) and getattr(user, "role", None) == \
        Role.COORDINATOR


def may_hold_api_token(user) -> bool:
    """Whether a user may hold an integration's token (*API-nyckel*): a dispatcher connecting
    a tool of the centre, and an administrator's service accounts (User.is_service_account)
    of any role but an administrator's. Never an administrator (a bearer key with the access
    log and the Django admin behind it), and never a person on a personal phone or a tablet
    (crews, first responders, mobile care staff, coordinators): their screens use sessions,
    which end at sign-out and time out."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.is_staff or user.role == Role.ADMIN:
        return False
    return bool(user.is_service_account) or user.role == Role.DISPATCHER


def joins_shifts(user) -> bool:
    """Works on a unit joined for the shift (an administrator, on no unit, does not)."""
    return getattr(user, "role", None) in SHIFT_ROLES
