"""Who holds which role: the one home of the questions views, services, serializers and
streams ask about a user's role (*roll*)."""

from .models import Role

# The roles that work the dispatch console. An administrator sees everything a dispatcher
# sees (and the access log besides), so everywhere a dispatcher may look, so may they.
CONSOLE_ROLES: tuple[str, ...] = (Role.DISPATCHER, Role.ADMIN)
# The roles that read the follow-up (seed 000 §3): the measures, the station table. Dispatchers
# read it; the manager (and an administrator) also sets targets and follows deviations up.
FOLLOWUP_ROLES: tuple[str, ...] = (Role.DISPATCHER, Role.MANAGER, Role.ADMIN)
# The roles that run the follow-up: targets, follow-up records, every dispatcher's feedback.
MANAGER_ROLES: tuple[str, ...] = (Role.MANAGER, Role.ADMIN)
# The roles that review risk notices (seed 002): a crew's report or a partner's notice matches
# nothing until one of them approved it.
SAFETY_REVIEW_ROLES: tuple[str, ...] = (Role.DISPATCHER, Role.MANAGER, Role.ADMIN)
# The roles that follow major incidents (seed 001) and raise one: dispatchers and the official
# on duty (TiB). Only TiB (and an administrator) confirms, switches triage or stands down.
INCIDENT_ROLES: tuple[str, ...] = (Role.DISPATCHER, Role.TIB, Role.ADMIN)
TIB_ROLES: tuple[str, ...] = (Role.TIB, Role.ADMIN)
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


def reads_followup(user) -> bool:
    """Reads the follow-up screens (*uppföljning*): dispatchers, the manager, administrators."""
    return has_role(user, *FOLLOWUP_ROLES)


def is_manager(user) -> bool:
    """Runs the follow-up (*verksamhetschef*): sets targets, opens and closes follow-up records
    of deviations and reads every dispatcher's monthly feedback. An administrator too."""
    return has_role(user, *MANAGER_ROLES)


def reviews_notices(user) -> bool:
    """Reviews proposed risk notices (*skyddsinformation*): dispatchers, the manager and
    administrators."""
    return has_role(user, *SAFETY_REVIEW_ROLES)


def is_partner(user) -> bool:
    """A partner organisation's service account (police region, SOS Alarm, another centre):
    shares risk notices for its regions (safety.Partner), nothing else. Not a superuser."""
    return getattr(user, "is_authenticated", False) and getattr(user, "role", None) == \
        Role.PARTNER


def follows_incidents(user) -> bool:
    """Follows and raises major incidents (*särskild händelse*): dispatchers, TiB and
    administrators."""
    return has_role(user, *INCIDENT_ROLES)


def is_tib(user) -> bool:
    """The official on duty (*tjänsteman i beredskap*, TiB): confirms or rejects a major
    incident, switches mass-casualty triage and stands the incident down. An administrator
    too."""
    return has_role(user, *TIB_ROLES)


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
