from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    """Major incidents (seed 001, *särskild händelse*): raised by a dispatcher, confirmed by
    the official on duty (TiB), the regional mass-casualty alarm (*sjukvårdsregionalt
    masskadelarm*) to every region of the healthcare region as CAP 1.2 and to their people,
    the regions' pledges of secondary transports, the blood centre, mass-casualty triage, the
    initial situation report (METHANE), the log and the stand-down."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "incidents"
    verbose_name = "Major incidents"

    def ready(self) -> None:
        from . import registrations

        registrations.register()
