from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import (
    HOSPITAL_CAPABILITIES,
    HOSPITAL_CAPABILITY_LABELS,
    Address,
    Hospital,
    Municipality,
    hospital_capabilities_clean,
)
from .services import addresses_refold


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    """The municipality → region table: an administrator moves a municipality to the region
    whose centre serves it (new cases there get that region)."""

    list_display = ("name", "code", "region")
    list_editable = ("region",)
    list_filter = ("region",)
    search_fields = ("name", "=code")
    ordering = ("name",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            # A new name is one of its addresses' searched words.
            addresses_refold(municipality=obj)


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    """The address register (*adressregistret*): imported with `manage.py import_addresses`;
    a row corrected here is searched as corrected."""

    list_display = ("street", "number", "letter", "postcode", "locality", "municipality",
                    "latitude", "longitude")
    list_filter = ("municipality__region",)
    list_select_related = ("municipality",)
    search_fields = ("street", "=postcode", "locality", "municipality__name")
    autocomplete_fields = ("municipality",)
    readonly_fields = ("folded",)
    # A million rows: no COUNT(*) over the whole register for every page.
    show_full_result_count = False


class HospitalForm(forms.ModelForm):
    """What a hospital can receive, ticked in words (places.models.HOSPITAL_CAPABILITIES)."""

    capabilities = forms.MultipleChoiceField(
        choices=[(code, HOSPITAL_CAPABILITY_LABELS[code]) for code in HOSPITAL_CAPABILITIES],
        widget=forms.CheckboxSelectMultiple, required=False, label=_("Capabilities"),
        help_text=_("What the hospital can receive: the crews and the dispatchers choose a "
                    "destination by it."))

    class Meta:
        model = Hospital
        fields = ("name", "short_name", "address", "municipality", "latitude", "longitude",
                  "emergency", "capabilities", "active")

    def clean_capabilities(self) -> list[str]:
        try:
            return hospital_capabilities_clean(self.cleaned_data.get("capabilities"))
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


@admin.register(Hospital)
class HospitalAdmin(admin.ModelAdmin):
    """The hospitals (*sjukhus*) a crew may choose as its destination, nearest first: an
    administrator adds one, moves it, ticks what it can receive (PCI, stroke, trauma, ...), or
    marks it inactive (no longer offered)."""

    form = HospitalForm
    list_display = ("name", "short_name", "municipality", "emergency", "capabilities_shown",
                    "active")
    list_editable = ("emergency", "active")
    list_filter = ("municipality__region", "emergency", "active")
    list_select_related = ("municipality",)
    search_fields = ("name", "short_name", "municipality__name")
    autocomplete_fields = ("municipality",)
    ordering = ("name",)

    @admin.display(description=_("Capabilities"))
    def capabilities_shown(self, obj: Hospital) -> str:
        return ", ".join(obj.capability_labels) or "–"
