from django.contrib import admin

from .models import CrewShift, Region, Station, Unit


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "latitude", "longitude")
    list_filter = ("region",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("call_sign", "kind", "region", "home_station", "status", "status_changed_at")
    list_filter = ("kind", "region", "status")
    search_fields = ("call_sign",)


@admin.register(CrewShift)
class CrewShiftAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "joined_at", "left_at")
    list_filter = ("unit",)
