from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsDispatcherOrCrew
from core.errors import Invalid, NotFound

from . import geocoder, selectors
from .search import QUERY_MAX_CHARS
from .serializers import (
    AddressQuerySerializer,
    AddressSerializer,
    HospitalOptionSerializer,
    HospitalQuerySerializer,
    MunicipalityRegionSerializer,
    NearestAddressSerializer,
    PositionQuerySerializer,
)


def _query(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class AddressSearchView(APIView):
    """The address search as you type (*adressökning*): the register, best first; the
    geocoder (when configured) only when the register has no match. `near` (the map's centre)
    and `region` (the dispatcher's) break ties between equal matches."""

    permission_classes = [IsDispatcherOrCrew]

    @extend_schema(parameters=[AddressQuerySerializer], responses=AddressSerializer(many=True))
    def get(self, request):
        raw = request.query_params.get("q", "")
        # Checked before anything else reads it: a long query costs nothing but this.
        if len(raw) > 4 * QUERY_MAX_CHARS or len(raw.strip()) > QUERY_MAX_CHARS:
            raise Invalid(_("Type at most %(n)d characters to search for an address.")
                          % {"n": QUERY_MAX_CHARS})
        if not raw.strip():
            raise Invalid(_("Type an address to search for (street, number, place)."))
        data = _query(AddressQuerySerializer, request)
        hits = selectors.address_search(text=data["q"], limit=data["limit"],
                                        near=data.get("near"), region=data.get("region", ""))
        if not hits and selectors.query_searchable(data["q"]):
            hits = geocoder.geocoder_search(text=data["q"], limit=data["limit"])
        return Response(AddressSerializer(hits, many=True).data)


class AddressNearestView(APIView):
    """The register's address nearest to a point (a click on the map), within
    selectors.NEAREST_MAX_M; else the geocoder's, when configured; else 404."""

    permission_classes = [IsDispatcherOrCrew]

    @extend_schema(parameters=[PositionQuerySerializer], responses=NearestAddressSerializer)
    def get(self, request):
        data = _query(PositionQuerySerializer, request)
        hit = selectors.address_nearest(latitude=data["latitude"],
                                        longitude=data["longitude"])
        if hit is None:
            hit = geocoder.geocoder_reverse(latitude=data["latitude"],
                                            longitude=data["longitude"])
        if hit is None:
            raise NotFound(_("No known address within %(m)d m of this point.")
                           % {"m": selectors.NEAREST_MAX_M})
        return Response(NearestAddressSerializer(hit).data)


class MunicipalityListView(APIView):
    """The municipalities and the region serving each (*kommun → region*); `?name=` the one a
    name typed by hand matches (municipality_find's match, the one a case's region follows),
    so a screen never matches names itself."""

    @extend_schema(parameters=[OpenApiParameter("name", str, required=False)],
                   responses=MunicipalityRegionSerializer(many=True))
    def get(self, request):
        name = request.query_params.get("name")
        if name is None:
            found = selectors.municipality_list()
        else:
            one = selectors.municipality_find(name=name[:80])
            found = [one] if one else []
        return Response(MunicipalityRegionSerializer(found, many=True).data)


class HospitalListView(APIView):
    """The hospitals to take a patient to (*sjukhus*), nearest first by the ambulance's travel
    time from ?latitude=&longitude= (one router request); without a position, by name."""

    permission_classes = [IsDispatcherOrCrew]

    @extend_schema(parameters=[HospitalQuerySerializer],
                   responses=HospitalOptionSerializer(many=True))
    def get(self, request):
        data = _query(HospitalQuerySerializer, request)
        if "latitude" in data:
            options = selectors.hospitals_by_travel_time(
                latitude=data["latitude"], longitude=data["longitude"],
                emergency_only=data["emergency_only"])
        else:
            options = [selectors.HospitalOption(hospital=h) for h in
                       selectors.hospital_list(emergency_only=data["emergency_only"])]
        return Response(HospitalOptionSerializer(options, many=True).data)
