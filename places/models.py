"""The municipality → region table and the address register (*adressregistret*)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from crews.models import LATITUDE, LONGITUDE, Region

from .search import address_fold, municipality_fold


class Municipality(models.Model):
    """A municipality (*kommun*, Norwegian *kommune*) and the region whose centre serves it:
    the region of every place comes from here. Editable by an administrator."""

    code = models.CharField(max_length=4, unique=True,
                            help_text="SCB's (SE) or SSB's (NO) municipality code.")
    name = models.CharField(max_length=80)
    # The name as looked up (places.search.municipality_fold): one indexed lookup finds
    # "VÄSTERÅS", "vasteras" and "Västerås kommun" alike on every backend.
    folded_name = models.CharField(max_length=80, editable=False, db_index=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT,
                               related_name="place_municipalities")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "municipalities"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.folded_name = municipality_fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "folded_name"}
        super().save(*args, **kwargs)


class Address(models.Model):
    """A street address with its position (*belägenhetsadress*): a row of Lantmäteriet's or
    OpenAddresses' data. `folded` is the label as searched (lower case, å/ä→a, ö→o). One
    address per municipality, street, number and letter: the postcode is an attribute (a
    renumbered postcode updates the address)."""

    street = models.CharField(max_length=120)
    number = models.CharField(max_length=10, blank=True)
    letter = models.CharField(max_length=5, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    locality = models.CharField(max_length=80, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="addresses")
    latitude = models.FloatField(validators=LATITUDE)
    longitude = models.FloatField(validators=LONGITUDE)
    folded = models.CharField(max_length=250, editable=False)

    class Meta:
        ordering = ["street", "number", "letter"]
        constraints = [models.UniqueConstraint(
            fields=["municipality", "street", "number", "letter"],
            name="address_unique_in_municipality")]
        indexes = [models.Index(fields=["latitude", "longitude"], name="address_position")]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return f"{self.street} {self.number}{self.letter}, {self.locality}".strip()

    def save(self, *args, **kwargs):
        self.folded = address_fold(street=self.street, locality=self.locality,
                                   municipality=self.municipality.name)
        super().save(*args, **kwargs)


# What a hospital can receive, as the dispatcher and the crew choose a destination by it.
HOSPITAL_CAPABILITIES = ("pci", "stroke", "trauma", "paediatrics", "burns", "obstetrics",
                         "psychiatry")
# Each in words, as the pickers and the administrator see it (in this order).
HOSPITAL_CAPABILITY_LABELS = {
    "pci": _("PCI"),  # percutaneous coronary intervention: a heart attack's balloon
    "stroke": _("stroke"),
    "trauma": _("trauma"),
    "paediatrics": _("paediatrics"),
    "burns": _("burns"),
    "obstetrics": _("obstetrics"),
    "psychiatry": _("psychiatry"),
}


def hospital_capabilities_clean(values) -> list[str]:
    """The capabilities of a hospital as stored: known codes only, each once, in the order of
    HOSPITAL_CAPABILITIES; an unknown one is refused with the ones that are known."""
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, (list, tuple, set)):
        raise ValidationError(_("List the capabilities, e.g. [\"pci\", \"stroke\"]."))
    unknown = [v for v in values if v not in HOSPITAL_CAPABILITIES]
    if unknown:
        raise ValidationError(
            _("Unknown capability %(value)s; use %(known)s.")
            % {"value": unknown[0], "known": ", ".join(HOSPITAL_CAPABILITIES)})
    return [c for c in HOSPITAL_CAPABILITIES if c in values]


class Hospital(models.Model):
    """A hospital (*sjukhus*) an ambulance takes a patient to; `emergency`: it has an emergency
    department (*akutmottagning*) open to ambulances. The region is its municipality's."""

    name = models.CharField(max_length=120, unique=True)
    short_name = models.CharField(max_length=40, blank=True,
                                  help_text="As the tablet and the console show it when short "
                                            "of room, e.g. \"Akademiska\".")
    address = models.CharField(max_length=200, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="hospitals")
    latitude = models.FloatField(validators=LATITUDE)
    longitude = models.FloatField(validators=LONGITUDE)
    emergency = models.BooleanField(default=True,
                                    help_text="Has an emergency department (akutmottagning).")
    capabilities = models.JSONField(
        default=list, blank=True,
        help_text="What it can receive: pci, stroke, trauma, paediatrics, burns, obstetrics, "
                  "psychiatry (places.models.HOSPITAL_CAPABILITIES).")
    active = models.BooleanField(default=True,
                                 help_text="Offered as a destination; an old assignment keeps "
                                           "its hospital either way.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        super().clean()
        try:
            self.capabilities = hospital_capabilities_clean(self.capabilities)
        except ValidationError as error:
            raise ValidationError({"capabilities": error.messages}) from None

    @property
    def capability_labels(self) -> list[str]:
        """The capabilities in words, in the register's order."""
        return [str(HOSPITAL_CAPABILITY_LABELS[c]) for c in HOSPITAL_CAPABILITIES
                if c in (self.capabilities or [])]
