"""Who a verified identity is: the user linked to it, a link completed at its first sign-in,
or a person without an account who may sign up as a volunteer (when OIDC_SELF_REGISTER)."""

import re
import secrets
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import has_own_role
from core.errors import Conflict

from .models import LinkedIdentity

PENDING = "identity.pending"
PENDING_SECONDS = 15 * 60


class SignInRefused(Exception):
    """The identity is genuine but may not sign in here; the message is for the person."""


@dataclass(frozen=True)
class PendingIdentity:
    """A verified identity with no account yet, kept in the session while the person fills in
    the volunteer's sign-up (ivpa.views.RegisterView)."""

    issuer: str
    subject: str
    personal_number: str
    name: str
    username: str
    at: float


def _personal_number(claims: dict) -> str:
    claim = settings.OIDC_PERSONAL_NUMBER_CLAIM
    value = re.sub(r"\D", "", str(claims.get(claim) or "")) if claim else ""
    return value if len(value) in (11, 12) else ""


def _name(claims: dict) -> str:
    name = claims.get("name") or " ".join(
        str(claims[k]) for k in ("given_name", "family_name") if claims.get(k))
    return str(name)[:120]


def identity_user(*, issuer: str, claims: dict):
    """The user the verified claims sign in as, or None when no account is linked. A link made
    ahead by personal identity number is completed now with the subject."""
    subject = str(claims.get(settings.OIDC_USER_CLAIM) or "")
    if not subject:
        raise SignInRefused(_("The identity provider did not say who you are."))
    now = timezone.now()
    link = LinkedIdentity.objects.filter(issuer=issuer, subject=subject).select_related(
        "user").first()
    number = _personal_number(claims)
    if link is None and number:
        with transaction.atomic():
            link = (LinkedIdentity.objects.select_for_update().select_related("user")
                    .filter(issuer=issuer, subject="", personal_number=number).first())
            if link is not None:
                link.subject = subject
                link.save(update_fields=["subject"])
    if link is None:
        return None
    LinkedIdentity.objects.filter(pk=link.pk).update(last_signed_in_at=now)
    if number and not link.personal_number:
        try:  # the number as the provider vouches for it, unless another link holds it
            with transaction.atomic():
                LinkedIdentity.objects.filter(pk=link.pk).update(personal_number=number)
        except IntegrityError:
            pass
    return link.user


def identity_may_sign_in(user) -> None:
    """Refuse an account that is disabled or whose role does not sign in through the provider
    (OIDC_ROLES)."""
    if not user.is_active:
        raise SignInRefused(_("This account is disabled. Ask an administrator."))
    if not has_own_role(user, *settings.OIDC_ROLES):
        raise SignInRefused(_("Your role signs in with user name and password here."))


def identity_pending_start(request, *, issuer: str, claims: dict) -> PendingIdentity:
    """Keep a verified identity without an account in the session for the volunteer's
    sign-up; refused unless OIDC_SELF_REGISTER is on."""
    if not settings.OIDC_SELF_REGISTER:
        raise SignInRefused(_(
            "No account is linked to this identity. Ask an administrator to link it, or "
            "sign in with your user name and password."))
    pending = PendingIdentity(
        issuer=issuer, subject=str(claims[settings.OIDC_USER_CLAIM]),
        personal_number=_personal_number(claims), name=_name(claims),
        username=f"idp-{secrets.token_hex(6)}", at=time.time())
    request.session[PENDING] = asdict(pending)
    return pending


def identity_pending(request) -> PendingIdentity | None:
    """The verified identity waiting in this session for its sign-up, if any (and fresh)."""
    data = getattr(request, "session", {}).get(PENDING)
    if not data:
        return None
    pending = PendingIdentity(**data)
    if pending.at < time.time() - PENDING_SECONDS or pending.issuer != settings.OIDC_ISSUER:
        request.session.pop(PENDING, None)
        return None
    return pending


def identity_complete(request, pending: PendingIdentity, *, user) -> LinkedIdentity:
    """Link the new user to the identity that signed up; run in the sign-up's transaction so
    a refusal here leaves no account behind."""
    try:
        with transaction.atomic():
            link = LinkedIdentity.objects.create(
                user=user, issuer=pending.issuer, subject=pending.subject,
                personal_number=pending.personal_number, last_signed_in_at=timezone.now())
    except IntegrityError:
        raise Conflict(_("This identity already has an account: sign in with it.")) from None
    request.session.pop(PENDING, None)
    return link


def identity_summaries(user) -> list[dict]:
    """What an approver is shown of the identities that vouch for a user."""
    return [{"issuer": link.issuer, "personal_number": link.personal_number,
             "linked_at": link.created_at.isoformat()}
            for link in user.linked_identities.all() if link.subject]
