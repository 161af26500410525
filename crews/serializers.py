from rest_framework import serializers

from .models import Region, Station, Unit
from .selectors import unit_is_manned


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class StationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Station
        fields = ["id", "name", "region", "latitude", "longitude"]


class UnitSerializer(serializers.ModelSerializer):
    home_station_name = serializers.CharField(source="home_station.name", default=None)
    manned = serializers.SerializerMethodField(
        help_text="A crew has joined the unit for the shift (an open crew shift).")

    class Meta:
        model = Unit
        fields = ["id", "call_sign", "kind", "region", "home_station", "home_station_name",
                  "capabilities", "status", "status_changed_at", "latitude", "longitude",
                  "position_at", "manned", "in_service", "service_note", "service_changed_at"]

    def get_manned(self, obj) -> bool:
        manned = getattr(obj, "manned", None)
        if manned is None:  # not read through selectors.unit_list
            manned = unit_is_manned(unit=obj)
        return bool(manned)


class PositionInputSerializer(serializers.Serializer):
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    at = serializers.DateTimeField(required=False)
    idempotency_key = serializers.CharField(required=False, max_length=100)


class UnitServiceInputSerializer(serializers.Serializer):
    in_service = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                 help_text="Why out of service (shown on the console).")
