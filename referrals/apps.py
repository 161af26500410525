from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    """Referrals (*hänvisningar*) to mobile care units (God och nära vård)."""

    name = "referrals"
    verbose_name = "Referrals to mobile care units"

    def ready(self) -> None:
        from realtime.registry import register_notification, register_withdrawal

        from . import receivers, timers  # noqa: F401  (connects receivers, timer handlers)
        from .streams import (
            UNIT_REFERRAL_NOTIFICATIONS,
            UNIT_REFERRAL_WITHDRAWALS,
            referral_notification,
            referral_tag,
        )

        # The unit's stream and its recipients (the staff joined to the unit) are crews';
        # referrals only says which of its own events wake them and which end a wake-up.
        for event_type in UNIT_REFERRAL_NOTIFICATIONS:
            register_notification("unit", event_type, referral_notification)
        for event_type in UNIT_REFERRAL_WITHDRAWALS:
            register_withdrawal("unit", event_type, referral_tag)
