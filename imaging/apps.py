from django.apps import AppConfig


class ImagingConfig(AppConfig):
    """Caller images (*bildöverföring*): filled by a later issue."""

    name = "imaging"
    verbose_name = "Caller images"
