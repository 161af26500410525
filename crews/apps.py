from django.apps import AppConfig


class CrewsConfig(AppConfig):
    name = "crews"
    verbose_name = "Units and crews"

    def ready(self) -> None:
        from realtime.registry import (
            register_notification,
            register_recipients,
            register_stream_kind,
            register_withdrawal,
        )

        from .streams import (
            UNIT_NOTIFICATION_ENDS,
            UNIT_NOTIFICATION_TITLES,
            assignment_tag,
            may_follow_unit,
            may_follow_units,
            unit_followed,
            unit_notification,
            unit_recipients,
            units_followed,
        )

        register_stream_kind("unit", may_follow_unit, followed=unit_followed)
        register_stream_kind("units", may_follow_units, followed=units_followed)
        register_recipients("unit", unit_recipients, when_due=True)
        for event_type in UNIT_NOTIFICATION_TITLES:
            register_notification("unit", event_type, unit_notification)
        for event_type in UNIT_NOTIFICATION_ENDS:
            register_withdrawal("unit", event_type, assignment_tag)
