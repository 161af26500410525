"""The data the measures need: the telephony integration's calls (`POST
/api/followup/calls/`, a dispatcher's or a service account's token, idempotent by call id) and
the manager's CSV imports of the call log and of hospital visits. Thin views over
dispatch.services.calls and followup.imports; no patient data in any answer."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsDispatcher, role_permission
from accounts.roles import MANAGER_ROLES
from core.api import validated_data
from core.errors import DomainError, Invalid
from crews.models import Region
from dispatch.models import Call
from dispatch.services.calls import CREATED, call_record

from ..imports import calls_import, hospital_visits_import
from ..models import ImportRun

RunsFollowup = role_permission(*MANAGER_ROLES)
RUNS_LISTED = 50


class FileTooLarge(DomainError):
    status_code = 413


class CallInputSerializer(serializers.Serializer):
    call_id = serializers.CharField(max_length=64)
    line = serializers.CharField(max_length=40, required=False, allow_blank=True)
    prioritised = serializers.BooleanField(required=False, allow_null=True)
    region = serializers.CharField(max_length=10, required=False, allow_blank=True,
                                   help_text="The region's code, e.g. VML.")
    queued_at = serializers.DateTimeField(required=False, allow_null=True)
    answered_at = serializers.DateTimeField(required=False, allow_null=True)
    operator = serializers.CharField(
        max_length=150, required=False, allow_blank=True,
        help_text="The operator's user name; one the centre does not know is kept as "
                  "operator_name.")
    operator_name = serializers.CharField(max_length=120, required=False, allow_blank=True)

    def validate_region(self, value: str):
        if not value:
            return None
        region = Region.objects.filter(code__iexact=value.strip()).first()
        if region is None:
            codes = ", ".join(Region.objects.order_by("code").values_list("code", flat=True))
            raise serializers.ValidationError(
                _("\"%(value)s\" is not a region of the centre (%(codes)s).")
                % {"value": value, "codes": codes})
        return region


class CallSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", default=None)
    operator = serializers.CharField(source="operator.username", default=None)
    case = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = ["id", "call_id", "line", "prioritised", "region", "region_code", "queued_at",
                  "answered_at", "operator", "operator_name", "source", "case"]

    def get_case(self, obj) -> int | None:
        return getattr(getattr(obj, "case", None), "pk", None)


class CallIntegrationView(APIView):
    """A call as the telephony system logged it: 201 when new, 200 when already known (the
    same, or with an answer or operator added)."""

    permission_classes = [IsDispatcher]

    @extend_schema(request=CallInputSerializer, responses=CallSerializer)
    def post(self, request):
        data = dict(validated_data(CallInputSerializer, request))
        username = data.pop("operator", "") or ""
        operator = get_user_model().objects.filter(username=username).first() \
            if username else None
        data["operator_name"] = data.get("operator_name") or username
        if "line" in data and not data["line"]:
            data["line"] = None
        call, outcome = call_record(operator=operator, **data)
        call = Call.objects.select_related("region", "operator", "case").get(pk=call.pk)
        code = status.HTTP_201_CREATED if outcome == CREATED else status.HTTP_200_OK
        return Response({**CallSerializer(call).data, "outcome": outcome}, status=code)


class ImportRunSerializer(serializers.ModelSerializer):
    kind_words = serializers.CharField(source="get_kind_display")
    by_name = serializers.SerializerMethodField()
    error_count = serializers.IntegerField(source="refused")

    class Meta:
        model = ImportRun
        fields = ["id", "kind", "kind_words", "file_name", "sha256", "rows", "created",
                  "updated", "unchanged", "error_count", "errors", "by_name", "at"]

    def get_by_name(self, obj) -> str:
        return str(obj.by) if obj.by_id else ""


def _upload(request):
    upload = request.FILES.get("file")
    if upload is None:
        raise Invalid(_("Attach the CSV file in the field 'file'."))
    if upload.size > settings.FOLLOWUP_IMPORT_MAX_BYTES:
        raise FileTooLarge(_("The file is %(size)s MB; the largest taken here is %(max)s MB. "
                             "Split it, or import it with the command on the server.")
                           % {"size": round(upload.size / 1_048_576, 1),
                              "max": round(settings.FOLLOWUP_IMPORT_MAX_BYTES / 1_048_576, 1)})
    return upload


class _ImportView(APIView):
    permission_classes = [RunsFollowup]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    run_import = staticmethod(calls_import)

    @extend_schema(request=None, responses=ImportRunSerializer)
    def post(self, request):
        upload = _upload(request)
        run = self.run_import(file=upload, file_name=upload.name or "", by=request.user)
        return Response(ImportRunSerializer(run).data, status=status.HTTP_201_CREATED)


class CallImportView(_ImportView):
    """The telephony system's call log as CSV (multipart field `file`)."""

    run_import = staticmethod(calls_import)


class HospitalVisitImportView(_ImportView):
    """Hospital visits as CSV (multipart field `file`)."""

    run_import = staticmethod(hospital_visits_import)


class ImportRunListView(APIView):
    """The last imports, newest first."""

    permission_classes = [RunsFollowup]

    @extend_schema(responses=ImportRunSerializer(many=True))
    def get(self, request):
        runs = ImportRun.objects.select_related("by").order_by("-at", "-pk")[:RUNS_LISTED]
        return Response(ImportRunSerializer(runs, many=True).data)
