"""Identities at an external identity provider linked to users."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class LinkedIdentity(models.Model):
    """A person at an identity provider (issuer and subject: the claim OIDC_USER_CLAIM names)
    who signs in as `user`. An administrator may link a user ahead by personal identity number
    (no subject yet): the first sign-in that carries that number completes the link."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="linked_identities")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255, blank=True,
                               help_text="Empty: linked ahead by personal identity number.")
    personal_number = models.CharField(
        max_length=12, blank=True,
        help_text="Personal identity number (personnummer, fødselsnummer) as the provider "
                  "vouched for it: 12 digits (Swedish) or 11 (Norwegian).")
    created_at = models.DateTimeField(auto_now_add=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "linked identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], condition=~Q(subject=""),
                                    name="identity_one_user_per_subject"),
            models.UniqueConstraint(fields=["issuer", "personal_number"],
                                    condition=~Q(personal_number=""),
                                    name="identity_one_user_per_personal_number"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.issuer}"
