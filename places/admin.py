from django.contrib import admin

from .models import Address, Hospital, Municipality
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


@admin.register(Hospital)
class HospitalAdmin(admin.ModelAdmin):
    """The hospitals (*sjukhus*) a crew may choose as its destination, nearest first: an
    administrator adds one, moves it, or marks it inactive (no longer offered)."""

    list_display = ("name", "short_name", "municipality", "emergency", "active")
    list_editable = ("emergency", "active")
    list_filter = ("municipality__region", "emergency", "active")
    list_select_related = ("municipality",)
    search_fields = ("name", "short_name", "municipality__name")
    autocomplete_fields = ("municipality",)
    ordering = ("name",)
