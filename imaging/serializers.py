from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .events import image_urls, sms_state
from .models import CallerImage, ImageLink
from .services import ROTATIONS


class LinkInputSerializer(serializers.Serializer):
    phone = serializers.CharField(
        max_length=40, error_messages={"required": _("Give the caller's mobile number."),
                                       "blank": _("Give the caller's mobile number.")})


class LinkSerializer(serializers.ModelSerializer):
    sms_state = serializers.SerializerMethodField()

    class Meta:
        model = ImageLink
        fields = ["id", "case", "phone", "created_at", "expires_at", "max_images",
                  "images_received", "opened_at", "revoked_at", "sms_state"]
        read_only_fields = fields

    def get_sms_state(self, link: ImageLink) -> str:
        return sms_state(link)


class ImageSerializer(serializers.ModelSerializer):
    display_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = CallerImage
        fields = ["id", "case", "link", "state", "reject_reason", "received_at", "processed_at",
                  "display_width", "display_height", "thumb_width", "thumb_height", "rotation",
                  "note", "assessed_at", "assessed_by", "forwarded_at", "forwarded_to",
                  "deleted_at", "display_url", "thumbnail_url"]
        read_only_fields = fields

    def get_display_url(self, image: CallerImage) -> str | None:
        return image_urls(image)["display_url"]

    def get_thumbnail_url(self, image: CallerImage) -> str | None:
        return image_urls(image)["thumbnail_url"]


class AssessInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    rotation = serializers.ChoiceField(
        choices=ROTATIONS, required=False,
        error_messages={"invalid_choice": _("rotation must be 0, 90, 180 or 270.")})


class UploadAnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    remaining = serializers.IntegerField()
