from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """Sign-in through an external identity provider (OpenID Connect: a BankID or Freja eID
    broker) beside passwords, and the identities linked to users."""

    name = "identity"
    verbose_name = "Identity providers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the settings check)
