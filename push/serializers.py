from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import PushSubscription
from .vapid import b64url_decode


class SubscriptionKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(max_length=100, trim_whitespace=False)
    auth = serializers.CharField(max_length=50, trim_whitespace=False)

    def validate_p256dh(self, value: str) -> str:
        message = _("keys.p256dh must be the base64url-encoded P-256 public key of the "
                    "subscription (65 bytes, uncompressed).")
        try:
            raw = b64url_decode(value)
            if len(raw) != 65 or raw[0] != 4:
                raise ValueError(message)
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            raise serializers.ValidationError(message) from None
        return value

    def validate_auth(self, value: str) -> str:
        try:
            raw = b64url_decode(value)
        except ValueError:
            raw = b""
        if len(raw) != 16:
            raise serializers.ValidationError(
                _("keys.auth must be the base64url-encoded 16-byte authentication secret."))
        return value


class SubscriptionInputSerializer(serializers.Serializer):
    """`PushSubscription.toJSON()` of the browser, plus the device's own id."""

    endpoint = serializers.CharField(max_length=1024)
    expirationTime = serializers.FloatField(allow_null=True, required=False, min_value=0)  # noqa: N815
    keys = SubscriptionKeysSerializer()
    device_id = serializers.UUIDField(
        error_messages={"invalid": _("device_id must be a UUID made by the device.")})

    def validate_expirationTime(self, value):  # noqa: N802
        if value is None:
            return None
        try:
            at = datetime.fromtimestamp(value / 1000, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise serializers.ValidationError(_("expirationTime is milliseconds since 1970.")) \
                from None
        if at <= timezone.now():
            raise serializers.ValidationError(_("The subscription has already expired."))
        return at


class SubscriptionSerializer(serializers.ModelSerializer):
    push_service = serializers.CharField(read_only=True)

    class Meta:
        model = PushSubscription
        fields = ["device_id", "push_service", "expires_at", "created_at", "updated_at"]
        read_only_fields = fields
