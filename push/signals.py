"""What push tells the apps that text through it, so push never imports them."""

from django.dispatch import Signal

# sms_id: the SmsMessage whose state or delivery report changed (sent, failed, delivered).
# Sent inside the transaction that recorded it.
sms_status_changed = Signal()
