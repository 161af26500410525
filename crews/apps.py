from django.apps import AppConfig


class CrewsConfig(AppConfig):
    name = "crews"
    verbose_name = "Units and crews"

    def ready(self) -> None:
        from realtime.registry import register_stream_kind

        from .streams import may_follow_unit, may_follow_units

        register_stream_kind("unit", may_follow_unit)
        register_stream_kind("units", may_follow_units)
