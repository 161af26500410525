from django.apps import AppConfig


class CareplansConfig(AppConfig):
    """Care plans (*vårdplaner*) and the person behind a case: their earlier cases."""

    name = "careplans"
    verbose_name = "Care plans"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the receivers of dispatch's signals)
