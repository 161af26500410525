from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import CrewShift, Region, Station, Unit
from .services import unit_service_set


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "latitude", "longitude")
    list_filter = ("region",)


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ("call_sign", "kind", "region", "home_station", "capabilities", "status",
                  "status_changed_at", "latitude", "longitude", "position_at", "in_service",
                  "service_note")

    def clean(self):
        data = super().clean()
        if not data.get("in_service", True) and not (data.get("service_note") or "").strip():
            self.add_error("service_note", _("Say why the unit is out of service."))
        return data


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitForm
    list_display = ("call_sign", "kind", "region", "home_station", "status", "in_service",
                    "service_note", "status_changed_at")
    list_filter = ("kind", "region", "status", "in_service")
    search_fields = ("call_sign",)

    def save_model(self, request, obj, form, change):
        """In or out of service through the service, which tells the consoles (unit.updated)."""
        wanted = (obj.in_service, obj.service_note)
        if change and {"in_service", "service_note"} & set(form.changed_data):
            current = Unit.objects.get(pk=obj.pk)
            obj.in_service, obj.service_note = current.in_service, current.service_note
            super().save_model(request, obj, form, change)
            unit_service_set(unit=obj, in_service=wanted[0], note=wanted[1], by=request.user)
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)


@admin.register(CrewShift)
class CrewShiftAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "joined_at", "left_at")
    list_filter = ("unit",)
