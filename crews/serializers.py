from rest_framework import serializers

from .models import Region, Station, Unit


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

    class Meta:
        model = Unit
        fields = ["id", "call_sign", "kind", "region", "home_station", "home_station_name",
                  "capabilities", "status", "status_changed_at", "latitude", "longitude",
                  "position_at"]


class PositionInputSerializer(serializers.Serializer):
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    at = serializers.DateTimeField(required=False)
    idempotency_key = serializers.CharField(required=False, max_length=100)
