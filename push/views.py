import hmac
from datetime import UTC, datetime

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import created
from core.errors import NotFound

from . import services
from .serializers import SubscriptionInputSerializer, SubscriptionSerializer
from .vapid import VapidNotConfigured, vapid_keys


class PushUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Web Push is not configured on this server."


class VapidPublicKeyView(APIView):
    """The key to pass as `applicationServerKey` to `PushManager.subscribe()`."""

    @extend_schema(responses=inline_serializer("VapidPublicKey", {"key": serializers.CharField()}))
    def get(self, request):
        try:
            key = vapid_keys().public_key
        except VapidNotConfigured:
            raise PushUnavailable(_("Web Push is not configured on this server.")) from None
        return Response({"key": key})


class SubscriptionCreateView(APIView):
    """Store this device's push subscription (created or replaced)."""

    @extend_schema(request=SubscriptionInputSerializer, responses={201: SubscriptionSerializer})
    def post(self, request):
        data = SubscriptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription, _created = services.subscription_save(
            user=request.user, device_id=data.validated_data["device_id"],
            endpoint=data.validated_data["endpoint"],
            p256dh=data.validated_data["keys"]["p256dh"],
            auth=data.validated_data["keys"]["auth"],
            expires_at=data.validated_data.get("expirationTime"),
            user_agent=request.headers.get("User-Agent", ""),
        )
        return created(SubscriptionSerializer(subscription).data)


class SubscriptionDetailView(APIView):
    @extend_schema(request=None, responses={204: OpenApiResponse(description="Deleted")})
    def delete(self, request, device_id):
        services.subscription_delete(user=request.user, device_id=device_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _provider_time(value: str | None) -> datetime | None:
    """46elks reports UTC times without a zone, e.g. 2026-12-02T07:01:02.466000."""
    if not value:
        return None
    try:
        at = datetime.fromisoformat(str(value).strip().replace(" ", "T"))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


class SmsDeliveryView(APIView):
    """The SMS provider's delivery report (46elks `whendelivered`: form fields id, status,
    delivered). No account: the secret in the path (SMS_CALLBACK_SECRET) authenticates it;
    a wrong one is a 404 like any unknown address."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [FormParser, MultiPartParser, JSONParser]

    @extend_schema(request=None, responses=None)
    def post(self, request, secret: str):
        expected = settings.SMS_CALLBACK_SECRET
        if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
            raise NotFound(_("Not found."))
        sms = services.sms_delivery_record(
            provider_id=str(request.data.get("id") or ""),
            status=str(request.data.get("status") or ""),
            delivered_at=_provider_time(request.data.get("delivered")),
        )
        return Response({"recorded": sms is not None})
