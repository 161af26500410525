"""Users, their role, sign-in lockout and integration tokens."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.phones import E164_PATTERN


class Role(models.TextChoices):
    DISPATCHER = "dispatcher", _("Dispatcher")
    CREW = "crew", _("Crew member")
    RESPONDER = "responder", _("First responder")
    MOBILE_CARE = "mobile_care", _("Mobile care staff")
    # A municipality's IVPA coordinator (samordnare): approves the training of that
    # municipality's volunteers (ivpa.Municipality.coordinators); sees no patient data.
    COORDINATOR = "coordinator", _("IVPA coordinator")
    # The centre's manager (verksamhetschef): the follow-up of the measures, the targets and
    # every dispatcher's monthly feedback; sees figures, not patients.
    MANAGER = "manager", _("Centre manager")
    # A partner organisation's service account (police region, SOS Alarm, another centre):
    # shares risk notices for its regions through its API token (safety.Partner); no patients.
    PARTNER = "partner", _("Partner organisation")
    # The official on duty (tjänsteman i beredskap, TiB): confirms or rejects a major
    # incident, switches mass-casualty triage, stands the incident down; on a phone.
    TIB = "tib", _("Official on duty (TiB)")
    ADMIN = "admin", _("Administrator")


class UserManager(DjangoUserManager):
    """`manage.py createsuperuser` makes an administrator (role and all), not a superuser
    whose role says crew member."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. One role each: a role decides what the person may see. What a
    role may do is asked of `accounts.roles` (an administrator counts as a dispatcher)."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CREW)
    display_name = models.CharField(max_length=120, blank=True)
    phone_number = models.CharField(
        max_length=16, blank=True,
        validators=[RegexValidator(E164_PATTERN,
                                   _("A phone number in international form, e.g. +46701234567."))],
        help_text=_("Mobile number for SMS alerts when the app cannot be reached by push "
                    "(E.164, e.g. +46701234567)."),
    )

    is_service_account = models.BooleanField(
        _("service account"), default=False,
        help_text=_("An integration's account, not a person's: it never signs in with a "
                    "password; an administrator issues its tokens."),
    )

    objects = UserManager()

    def __str__(self) -> str:
        return self.display_name or self.username


class LoginThrottle(models.Model):
    """Failed sign-ins (*inloggningsspärr*), counted per user name from an address, per
    address and per user name: a name that fails often from an address waits there a little
    longer each time (never long, and never elsewhere, so nobody can lock a dispatcher out);
    an address that fails often is shut out for a while; a name's count from everywhere is
    for the administrator (accounts.services.lockout)."""

    class Kind(models.TextChoices):
        NAME = "name", _("User name")
        ADDRESS = "address", _("Address")
        NAME_FROM = "name_from", _("User name from an address")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NAME)
    # The user name in lower case, the address, or "<address> <user name>".
    key = models.CharField(max_length=200)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"],
                                               name="login_throttle_kind_key")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}: {self.failures}"


class ApiToken(models.Model):
    """An integration's key (*API-nyckel*), sent as `Authorization: Token <key>`. Only the
    key's SHA-256 is kept: the key is shown once, when it is issued. A token expires; one
    made by a signed-in browser is tied to that session and revoked when it signs out."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)  # the key's first characters, to recognise it
    label = models.CharField(max_length=120, blank=True)
    session_key = models.CharField(max_length=40, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
