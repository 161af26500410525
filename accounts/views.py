from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.api import validated_data
from core.errors import DomainError

from .services import login_locked_until


class Locked(DomainError):
    status_code = 429


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=200, trim_whitespace=False)


LOCKED = ("Too many failed sign-ins: this user name is locked for a while. "
          "Ask an administrator if it is urgent.")


def _authenticate(request) -> object:
    credentials = validated_data(CredentialsSerializer, request)
    try:
        user = authenticate(request, **credentials)
    except PermissionDenied:
        raise Locked(LOCKED) from None
    if user is None:
        # django.contrib.auth.authenticate() swallows the backend's PermissionDenied and
        # returns None, so a locked name is recognised here.
        if login_locked_until(username=credentials["username"]):
            raise Locked(LOCKED)
        raise DomainError("Wrong user name or password.")
    return user


def user_payload(user) -> dict:
    return {"id": user.pk, "username": user.username, "name": str(user), "role": user.role}


class LoginView(APIView):
    """Session sign-in for the PWA."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=CredentialsSerializer, responses=None)
    def post(self, request):
        user = _authenticate(request)
        login(request, user)
        get_token(request)
        return Response(user_payload(user))


class LogoutView(APIView):
    @extend_schema(request=None, responses=None)
    def post(self, request):
        logout(request)
        return Response({"detail": "Signed out."})


class TokenView(APIView):
    """A token for integrations: send it as `Authorization: Token <key>`."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=CredentialsSerializer, responses=None)
    def post(self, request):
        user = _authenticate(request)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key, **user_payload(user)})
