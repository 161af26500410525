from django.apps import AppConfig


class IvpaConfig(AppConfig):
    """First-responder alerts (*i väntan på ambulans*): filled by a later issue."""

    name = "ivpa"
    verbose_name = "IVPA"
