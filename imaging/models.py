"""Caller images (*bildöverföring från vårdsökande*): the link texted to a caller, the short
upload session it is swapped for, the images, and where they were forwarded.

Neither the link's token nor the session's secret is stored: only their SHA-256, so a copy of
the database cannot upload. Files live under IMAGING_STORAGE_DIR (outside any static or media
root) under random names and are served only through an authorised view.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.phones import phone_mask


class ImageLink(models.Model):
    """A link (*bildlänk*) texted to a caller: one case, a limited time, a limited count."""

    case = models.ForeignKey("dispatch.Case", on_delete=models.PROTECT,
                             related_name="image_links")
    # E.164; masked (`+46•••••••67`) once the case's images are past retention.
    phone = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    max_images = models.PositiveSmallIntegerField()
    images_received = models.PositiveSmallIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    # SET_NULL: push purges its SMS records after PUSH_RETENTION_DAYS.
    sms = models.ForeignKey("push.SmsMessage", on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="image_links")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"image link {self.pk} → case {self.case_id}"

    @property
    def phone_masked(self) -> str:
        """What the live events show of the number: enough to tell two links apart."""
        return phone_mask(self.phone)


class UploadSession(models.Model):
    """What the link's token is swapped for on first open (an HttpOnly cookie), so the token
    leaves the address bar and cannot be opened twice."""

    link = models.ForeignKey(ImageLink, on_delete=models.CASCADE, related_name="sessions")
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"upload session {self.pk} of link {self.link_id}"


class ImageState(models.TextChoices):
    RECEIVED = "received"  # the original is stored; processing is due
    READY = "ready"  # display copy and thumbnail stored, original deleted
    REJECTED = "rejected"  # not an image we accept; original deleted


class CallerImage(models.Model):
    """One photo from a caller. The row stays after retention deletes its files
    (`deleted_at`): the record that there was an image."""

    case = models.ForeignKey("dispatch.Case", on_delete=models.PROTECT,
                             related_name="caller_images")
    link = models.ForeignKey(ImageLink, on_delete=models.PROTECT, related_name="images")
    upload_id = models.CharField(max_length=100)
    state = models.CharField(max_length=10, choices=ImageState.choices,
                             default=ImageState.RECEIVED)
    # Paths relative to IMAGING_STORAGE_DIR; empty when there is no such file.
    original_path = models.CharField(max_length=200, blank=True)
    original_bytes = models.PositiveIntegerField(default=0)
    display_path = models.CharField(max_length=200, blank=True)
    thumbnail_path = models.CharField(max_length=200, blank=True)
    source_format = models.CharField(max_length=10, blank=True)
    display_width = models.PositiveIntegerField(null=True, blank=True)
    display_height = models.PositiveIntegerField(null=True, blank=True)
    display_bytes = models.PositiveIntegerField(null=True, blank=True)
    thumb_width = models.PositiveIntegerField(null=True, blank=True)
    thumb_height = models.PositiveIntegerField(null=True, blank=True)
    reject_code = models.CharField(max_length=20, blank=True)
    reject_reason = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    process_attempts = models.PositiveSmallIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    assessed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    rotation = models.PositiveSmallIntegerField(default=0)  # degrees clockwise, as shown
    forwarded_at = models.DateTimeField(null=True, blank=True)
    forwarded_to = models.ForeignKey("dispatch.Assignment", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["link", "upload_id"], name="callerimage_upload_once"),
        ]
        indexes = [models.Index(fields=["case", "received_at"], name="callerimage_case_idx")]

    def __str__(self) -> str:
        return f"image {self.pk} of case {self.case_id} ({self.state})"


class ImageForward(models.Model):
    """An image sent on to the crew of one assignment; the crew of that unit may then see it."""

    image = models.ForeignKey(CallerImage, on_delete=models.CASCADE, related_name="forwards")
    assignment = models.ForeignKey("dispatch.Assignment", on_delete=models.PROTECT,
                                   related_name="image_forwards")
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    forwarded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["image", "assignment"], name="imageforward_once"),
        ]

    def __str__(self) -> str:
        return f"image {self.image_id} → assignment {self.assignment_id}"
