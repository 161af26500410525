"""The two pages of a sign-in through the identity provider: the start (a redirect to the
provider) and the return (the callback). A failure goes back to the sign-in page with a
message; the reason is logged, never shown (it would help no one in a hurry)."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .oidc import SignInFailed, oidc_authorize_redirect, oidc_enabled, oidc_verified_claims
from .services import (
    SignInRefused,
    identity_may_sign_in,
    identity_pending_start,
    identity_user,
)

log = logging.getLogger(__name__)
NEXT = "identity.next"


def _failed(request, message: str):
    messages.error(request, message, extra_tags="oidc")
    return redirect("login")


@never_cache
def oidc_start(request):
    """GET /auth/oidc/start/?next=/responder/: off the sign-in page's button."""
    if not oidc_enabled():
        raise Http404
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        request.session[NEXT] = target
    else:
        request.session.pop(NEXT, None)
    redirect_uri = settings.OIDC_REDIRECT_URI or request.build_absolute_uri(
        reverse("oidc-callback"))
    try:
        return oidc_authorize_redirect(request, redirect_uri)
    except SignInFailed as exc:
        log.warning("OIDC sign-in could not start: %s", exc)
        return _failed(request, _("%(provider)s cannot be reached now. Sign in with your user "
                                  "name and password, or try again in a while.")
                       % {"provider": settings.OIDC_PROVIDER_NAME})


@never_cache
def oidc_callback(request):
    """GET /auth/oidc/callback/?code=…&state=…: the provider sends the browser back here."""
    if not oidc_enabled():
        raise Http404
    try:
        claims = oidc_verified_claims(request)
    except SignInFailed as exc:
        log.warning("OIDC sign-in refused: %s", exc)
        return _failed(request, _("The sign-in with %(provider)s did not succeed. Try again.")
                       % {"provider": settings.OIDC_PROVIDER_NAME})
    try:
        user = identity_user(issuer=settings.OIDC_ISSUER, claims=claims)
        if user is None:
            identity_pending_start(request, issuer=settings.OIDC_ISSUER, claims=claims)
            return redirect("responder-register")
        identity_may_sign_in(user)
    except SignInRefused as exc:
        log.info("OIDC sign-in of a verified identity refused: %s", exc)
        return _failed(request, str(exc))
    target = request.session.pop(NEXT, "") or reverse("home")
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    log.info("Signed in through %s: %s", settings.OIDC_ISSUER, user.username)
    return redirect(target)
