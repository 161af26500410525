"""Sign-in, sign-out and integration tokens over the API."""

from django.contrib.auth import authenticate, get_user_model, login, logout
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.api import created, validated_data
from core.errors import DomainError

from .models import ApiToken
from .permissions import IsAdministrator, SameSiteRequest
from .services import (
    Refusal,
    api_token_issue,
    api_token_revoke,
    api_token_service_issue,
)


class Locked(DomainError):
    status_code = 429


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=200, trim_whitespace=False)


def refusal_message(refusal: Refusal) -> str:
    until = formats.time_format(timezone.localtime(refusal.until), "H:i:s")
    if refusal.kind == "address":
        return (f"Too many failed sign-ins from this address: it is locked until {until}. "
                "Ask an administrator if it is urgent.")
    return (f"Too many failed sign-ins for this user name from this address: it is locked "
            f"here until {until} (a few seconds, longer after each failure). Ask an "
            "administrator if it is urgent.")


def _authenticate(request) -> object:
    credentials = validated_data(CredentialsSerializer, request)
    try:
        user = authenticate(request, **credentials)
    except PermissionDenied:
        user = None
    # django.contrib.auth.authenticate() swallows the backend's PermissionDenied and
    # returns None: the backend leaves its refusal on the request.
    refusal = getattr(request, "login_refusal", None)
    if user is None and refusal is not None:
        raise Locked(refusal_message(refusal), retry_after=refusal.until.isoformat())
    if user is None:
        raise DomainError("Wrong user name or password.")
    return user


def user_payload(user) -> dict:
    return {"id": user.pk, "username": user.username, "name": str(user), "role": user.role}


class LoginView(APIView):
    """Session sign-in (the PWA's page signs in through Django's LoginView, /login/). Like
    the page, it asks for the site's CSRF token: no foreign page can sign a browser in."""

    permission_classes = [SameSiteRequest]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=CredentialsSerializer, responses=None)
    def post(self, request):
        user = _authenticate(request)
        login(request, user)
        get_token(request)
        return Response(user_payload(user))


class LogoutView(APIView):
    """Signs the session out (its tokens are revoked with it, accounts.apps); a request
    made with a token revokes that token."""

    @extend_schema(request=None, responses=None)
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            api_token_revoke(token=request.auth, by=request.user)
        logout(request)
        return Response({"detail": "Signed out."})


class TokenView(APIView):
    """A token for an integration: send it as `Authorization: Token <key>`. With a user name
    and password; or, from a signed-in browser, with no body (tied to that session). Only
    for those who may hold one (accounts.roles.may_hold_api_token)."""

    # A browser's session (CSRF checked), never a token: a token does not make tokens.
    authentication_classes = [SessionAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=CredentialsSerializer, responses=None)
    def post(self, request):
        signed_in = request.user if request.user.is_authenticated else None
        if signed_in is not None and not request.data:
            user = signed_in
        else:
            user = _authenticate(request)
        session_key = (request.session.session_key or "") if (
            signed_in is not None and signed_in.pk == user.pk) else ""
        token, key = api_token_issue(user=user, session_key=session_key)
        return Response({"token": key, "expires_at": token.expires_at,
                         **user_payload(user)})


class ApiTokenSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    tied_to_session = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "user", "username", "label", "tied_to_session", "state",
                  "created_at", "created_by", "expires_at", "last_used_at", "revoked_at",
                  "revoked_by"]

    def get_tied_to_session(self, token) -> bool:
        return bool(token.session_key)

    def get_state(self, token) -> str:
        if token.revoked_at:
            return "revoked"
        return "expired" if token.expires_at <= timezone.now() else "live"


class IssueSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    label = serializers.CharField(max_length=120, required=False, default="")


class TokensView(APIView):
    """The administrator's list of tokens (never a key), and a new token for a service
    account (its key shown in this answer only)."""

    permission_classes = [IsAdministrator]

    @extend_schema(responses=ApiTokenSerializer(many=True))
    def get(self, request):
        tokens = ApiToken.objects.select_related("user")
        if request.query_params.get("state", "live") == "live":
            tokens = tokens.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
        if user := request.query_params.get("user"):
            tokens = tokens.filter(user__username=user)
        return Response(ApiTokenSerializer(tokens[:500], many=True).data)

    @extend_schema(request=IssueSerializer, responses=ApiTokenSerializer)
    def post(self, request):
        data = validated_data(IssueSerializer, request)
        user = get_object_or_404(get_user_model(), pk=data["user"])
        token, key = api_token_service_issue(user=user, by=request.user, label=data["label"])
        return created({**ApiTokenSerializer(token).data, "token": key})


class TokenRevokeView(APIView):
    permission_classes = [IsAdministrator]

    @extend_schema(request=None, responses=ApiTokenSerializer)
    def post(self, request, pk: int):
        token = api_token_revoke(token=get_object_or_404(ApiToken, pk=pk), by=request.user)
        return Response(ApiTokenSerializer(token).data)
