"""The IVPA API for administrators: connecting municipalities and their rules, and the
defibrillator register (dispatchers read both)."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAdministrator, IsDispatcher
from core.api import validated_data
from core.errors import Invalid

from .. import selectors, services
from ..aeds import aeds_import
from ..models import Municipality
from ..serializers import AedSerializer, MunicipalityRulesSerializer, MunicipalitySerializer

MAX_AED_FILE = 5 * 1024 * 1024


class MunicipalityListView(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(responses=MunicipalitySerializer(many=True))
    def get(self, request):
        items = Municipality.objects.select_related("region").all()
        return Response({"connected": selectors.connected_count(),
                         "municipalities": MunicipalitySerializer(items, many=True).data})


def _municipality(pk: int) -> Municipality:
    return get_object_or_404(Municipality.objects.select_related("region"), pk=pk)


class MunicipalityDetailView(APIView):
    permission_classes = [IsAdministrator]

    @extend_schema(request=MunicipalityRulesSerializer, responses=MunicipalitySerializer)
    def patch(self, request, pk: int):
        data = validated_data(MunicipalityRulesSerializer, request)
        municipality = services.municipality_update(municipality=_municipality(pk),
                                                    by=request.user, **data)
        return Response(MunicipalitySerializer(municipality).data)


class MunicipalityConnectView(APIView):
    permission_classes = [IsAdministrator]

    @extend_schema(request=MunicipalityRulesSerializer, responses=MunicipalitySerializer)
    def post(self, request, pk: int):
        data = validated_data(MunicipalityRulesSerializer, request)
        municipality = services.municipality_connect(municipality=_municipality(pk),
                                                     by=request.user, **data)
        return Response(MunicipalitySerializer(municipality).data)


class MunicipalityDisconnectView(APIView):
    permission_classes = [IsAdministrator]

    @extend_schema(request=None, responses=MunicipalitySerializer)
    def post(self, request, pk: int):
        municipality = services.municipality_disconnect(municipality=_municipality(pk),
                                                        by=request.user)
        return Response(MunicipalitySerializer(municipality).data)


class AedListView(APIView):
    """Open defibrillators near a point: ?latitude=59.61&longitude=16.54&radius=1500 (the
    radius left out: settings.IVPA_AED_RADIUS_M, the one an accepted responder is sent within)."""

    permission_classes = [IsDispatcher]

    @extend_schema(responses=AedSerializer(many=True))
    def get(self, request):
        q = request.query_params
        try:
            latitude, longitude = float(q["latitude"]), float(q["longitude"])
            radius = min(5000.0, float(q.get("radius", settings.IVPA_AED_RADIUS_M)))
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180 and radius > 0):
                raise ValueError
        except (KeyError, ValueError):
            raise Invalid(_("Give latitude, longitude (degrees) and a radius in metres up "
                            "to 5000.")) from None
        found = selectors.aeds_open_near(latitude=latitude, longitude=longitude,
                                         radius_m=radius, at=timezone.now())
        return Response([{**AedSerializer(aed).data, "distance_m": int(distance)}
                         for aed, distance in found])


class AedImportView(APIView):
    """Upload the defibrillator register as CSV (multipart field `file`, or a text body)."""

    permission_classes = [IsAdministrator]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request=None, responses=None)
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise Invalid(_("Attach the register as a CSV file in the field 'file'."))
        if upload.size > MAX_AED_FILE:
            raise Invalid(_("The file is larger than 5 MB; split the register."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Invalid(_("The file is not UTF-8 text; save the CSV as UTF-8.")) from None
        result = aeds_import(text=text, by=request.user)
        return Response({"created": result.created, "updated": result.updated,
                         "errors": [{"line": line, "message": message}
                                    for line, message in result.errors]})
