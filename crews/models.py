"""Regions, stations, units (*enheter*) and crews (*besättningar*).

Regions and stations live here, not in dispatch, because units belong to them and dispatch
depends on crews, never the reverse.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

LATITUDE = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE = [MinValueValidator(-180), MaxValueValidator(180)]


class Region(models.Model):
    """A healthcare region (*region*) whose ambulances the centre dispatches."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class Station(models.Model):
    """An ambulance station (*ambulansstation*)."""

    name = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="stations")
    latitude = models.FloatField(validators=LATITUDE)
    longitude = models.FloatField(validators=LONGITUDE)

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    AMBULANCE = "ambulance", _("Ambulance")
    INTENSIVE_CARE = "intensive_care", _("Intensive care ambulance")
    MOBILE_CARE = "mobile_care", _("Mobile care unit")
    HELICOPTER = "helicopter", _("Ambulance helicopter")
    SUPERVISOR = "supervisor", _("Ambulance supervisor")
    FIRST_RESPONDER = "first_responder", _("First responder unit")


# The kinds that never transport a patient to hospital: a mobile care unit (MVE) visits at
# home on a referral, a first responder unit is the municipality's. The follow-up's station
# table and measure 4 leave them out.
NON_TRANSPORTING_KINDS: tuple[str, ...] = (UnitKind.MOBILE_CARE, UnitKind.FIRST_RESPONDER)


class Capability(models.TextChoices):
    """What a unit may be configured for that a case can require (seed 004: *intensiv,
    smitte, bariatri, CBRNE*); a unit's `capabilities` may hold others ("als")."""

    INTENSIVE_CARE = "intensive_care", _("Intensive care")
    INFECTION = "infection", _("Infection (isolation)")
    BARIATRIC = "bariatric", _("Bariatric")
    CBRNE = "cbrne", _("CBRNE")


class UnitStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    ALERTED = "alerted", _("Alerted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    EN_ROUTE = "en_route", _("En route")
    AT_STAGING = "at_staging", _("At staging point")
    ON_SCENE = "on_scene", _("On scene")
    TRANSPORTING = "transporting", _("Transporting")
    AT_HOSPITAL = "at_hospital", _("At hospital")
    # Out of service is not a status: it is Unit.in_service, beside the assignment's cycle.


class Unit(models.Model):
    """A resource the centre can send: an ambulance, a helicopter, a mobile care unit..."""

    call_sign = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=20, choices=UnitKind.choices, default=UnitKind.AMBULANCE)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="units")
    home_station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="units", null=True, blank=True
    )
    capabilities = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=20, choices=UnitStatus.choices, default=UnitStatus.AVAILABLE
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True, validators=LATITUDE)
    longitude = models.FloatField(null=True, blank=True, validators=LONGITUDE)
    position_at = models.DateTimeField(null=True, blank=True)
    in_service = models.BooleanField(
        default=True,
        help_text="In service (*i tjänst*): takes new assignments. Out of service (a breakdown, "
                  "cleaning after an infection transport, restocking) it is not recommended "
                  "and is sent only with a reason; its assignment runs on either way.")
    service_changed_at = models.DateTimeField(null=True, blank=True)
    service_note = models.CharField(
        max_length=200, blank=True, help_text="Why the unit is out of service, for the console.")

    class Meta:
        ordering = ["call_sign"]

    def __str__(self) -> str:
        return self.call_sign


class CrewShift(models.Model):
    """A crew member on a unit for a shift; open while `left_at` is empty."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="crew_shifts"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="shifts")
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(left_at__isnull=True),
                name="crewshift_one_open_per_user",
            )
        ]
        ordering = ["-joined_at"]

    def __str__(self) -> str:
        return f"{self.user} on {self.unit}"
