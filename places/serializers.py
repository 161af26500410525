import math

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crews.models import Region

from .search import QUERY_MAX_CHARS, RESULTS_DEFAULT, RESULTS_MAX


class AddressSerializer(serializers.Serializer):
    """An address as the search answers it (places.selectors.AddressHit): `municipality` is
    the name, `region` the code of the region serving it (null when unknown, a geocoder's
    place outside the table); `source` "register" or "geocoder"."""

    label = serializers.CharField()
    street = serializers.CharField()
    number = serializers.CharField()
    letter = serializers.CharField()
    postcode = serializers.CharField()
    locality = serializers.CharField()
    municipality = serializers.CharField(source="municipality.name", default=None,
                                         allow_null=True)
    municipality_code = serializers.CharField(source="municipality.code", default=None,
                                              allow_null=True)
    region = serializers.CharField(source="municipality.region.code", default=None,
                                   allow_null=True)
    region_name = serializers.CharField(source="municipality.region.name", default=None,
                                        allow_null=True)
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    source = serializers.ChoiceField(choices=["register", "geocoder"])


class NearestAddressSerializer(AddressSerializer):
    distance_m = serializers.FloatField(allow_null=True)


class AddressQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        allow_blank=True, trim_whitespace=True,
        help_text=f"What was typed: street, number (with letter, 12b), locality or "
                  f"municipality, in any order; at most {QUERY_MAX_CHARS} characters. Fewer "
                  f"than 3 letters or digits find nothing (an empty list).")
    limit = serializers.IntegerField(required=False, min_value=1, max_value=RESULTS_MAX,
                                     default=RESULTS_DEFAULT)
    near = serializers.CharField(
        required=False, allow_blank=True, max_length=60,
        help_text="Where the asker is looking, \"latitude,longitude\" in WGS84 degrees (the "
                  "console's map centre): among equal matches the nearer town comes first.")
    region = serializers.CharField(
        required=False, allow_blank=True, max_length=20,
        help_text="A region's code (the dispatcher's region): among equal matches its "
                  "addresses come first (before `near`).")

    def validate_near(self, value: str) -> tuple[float, float] | None:
        if not value.strip():
            return None
        parts = value.split(",")
        try:
            latitude, longitude = (float(p) for p in parts) if len(parts) == 2 else (None, None)
        except ValueError:
            latitude = longitude = None
        if (latitude is None or not math.isfinite(latitude) or not math.isfinite(longitude)
                or not -90 <= latitude <= 90 or not -180 <= longitude <= 180):
            raise serializers.ValidationError(
                _("Give near as \"latitude,longitude\" in degrees, e.g. near=59.61,16.55."))
        return latitude, longitude

    def validate_region(self, value: str) -> str:
        value = value.strip()
        if value and not Region.objects.filter(code__iexact=value).exists():
            raise serializers.ValidationError(
                _("Unknown region code %(code)s: give a region's code, e.g. VML.")
                % {"code": value})
        return value


class PositionQuerySerializer(serializers.Serializer):
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)


class MunicipalityRegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")


class HospitalQuerySerializer(serializers.Serializer):
    """Where the crew or the case is: both or neither (then by name, without travel times)."""

    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False)
    emergency_only = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        if ("latitude" in attrs) != ("longitude" in attrs):
            raise serializers.ValidationError(
                _("Give both latitude and longitude (or neither, for the list by name)."))
        return attrs


class HospitalOptionSerializer(serializers.Serializer):
    """A hospital to choose as the destination (places.selectors.HospitalOption): `region` is
    the code of its municipality's region; `travel_source` "router" or "estimate" (a screen
    says an estimate is one), both travel fields null without a position."""

    id = serializers.IntegerField(source="hospital.pk")
    name = serializers.CharField(source="hospital.name")
    short_name = serializers.CharField(source="hospital.label")
    emergency = serializers.BooleanField(source="hospital.emergency")
    region = serializers.CharField(source="hospital.municipality.region.code")
    latitude = serializers.FloatField(source="hospital.latitude")
    longitude = serializers.FloatField(source="hospital.longitude")
    capabilities = serializers.ListField(
        source="hospital.capabilities", child=serializers.CharField(),
        help_text="Codes (places.models.HOSPITAL_CAPABILITIES), for a filter.")
    capability_labels = serializers.ListField(
        source="hospital.capability_labels", child=serializers.CharField(),
        help_text="The same in words, in the request's language: what a screen shows.")
    travel_seconds = serializers.IntegerField(source="travel.seconds", default=None,
                                              allow_null=True)
    travel_source = serializers.CharField(source="travel.source", default=None,
                                          allow_null=True)
