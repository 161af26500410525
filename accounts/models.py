"""Users, their role, and sign-in lockout."""

from django.contrib.auth.models import AbstractUser
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
    ADMIN = "admin", _("Administrator")


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

    def __str__(self) -> str:
        return self.display_name or self.username


class LoginThrottle(models.Model):
    """Failed sign-ins per user name; a run of failures locks the name for a while."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"
