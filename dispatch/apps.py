from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = "Dispatch"

    def ready(self) -> None:
        from realtime.registry import register_stream_kind

        from . import timers  # noqa: F401  (registers the timer handlers)
        from .streams import dispatch_followed, may_follow_dispatch

        register_stream_kind("dispatch", may_follow_dispatch, followed=dispatch_followed)
