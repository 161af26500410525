from django.apps import AppConfig


class IvpaConfig(AppConfig):
    """First-responder alerting (*i väntan på ambulans*)."""

    name = "ivpa"
    verbose_name = "IVPA"

    def ready(self) -> None:
        from realtime.registry import (
            register_notification,
            register_recipients,
            register_stream_kind,
            register_withdrawal,
        )

        from . import receivers, timers  # noqa: F401  (connects receivers, timer handlers)
        from .streams import (
            RESPONDER_NOTIFICATIONS,
            RESPONDER_WITHDRAWALS,
            alert_tag,
            ivpa_followed,
            may_follow_ivpa,
            may_follow_responder,
            responder_followed,
            responder_notification,
            responder_recipients,
        )

        register_stream_kind("ivpa", may_follow_ivpa, followed=ivpa_followed)
        register_stream_kind("responder", may_follow_responder, followed=responder_followed)
        register_recipients("responder", responder_recipients)
        for event_type in RESPONDER_NOTIFICATIONS:
            register_notification("responder", event_type, responder_notification)
        for event_type in RESPONDER_WITHDRAWALS:
            register_withdrawal("responder", event_type, alert_tag)
