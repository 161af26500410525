"""The caller-image API: thin views over services and selectors.

Dispatchers: send a link, follow links and images, view, assess, forward, withdraw a link.
Crews: the images forwarded to their unit's assignment. The caller (no account): upload with
the session cookie only, and learn nothing back but the states of their own uploads.
Every view of an image, its record or its bytes, is written to the access log: the answers
come from the recorded reads in imaging/access.py.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.authentication import CSRFCheck
from rest_framework.exceptions import PermissionDenied, Throttled
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from accounts.permissions import IsDispatcher, IsDispatcherOrCrew
from core.api import created, idempotent, validated_data
from core.errors import Conflict, NotFound
from dispatch.models import Case
from dispatch.selectors import assignments_visible_to

from . import access, selectors, services
from .models import ImageLink, ImageState
from .serializers import (
    AssessInputSerializer,
    ImageSerializer,
    LinkInputSerializer,
    LinkSerializer,
    UploadAnswerSerializer,
)
from .upload_cookie import upload_session_from_request

# Multipart framing around the photo: a request this much larger than the limit is refused
# from its Content-Length, before a byte of the body is read.
MULTIPART_OVERHEAD = 64 * 1024


def _case(pk: int) -> Case:
    case = Case.objects.filter(pk=pk).first()
    if case is None:
        raise NotFound(_("No such case."))
    return case


def _image(request, pk: int):
    image = selectors.images_visible_to(user=request.user).filter(pk=pk).first()
    if image is None:
        raise NotFound(_("No such image for you."))
    return image


class ThrottledWithMessage:
    def throttled(self, request, wait):
        raise Throttled(wait, detail=_("Too many requests: wait a minute and try again."))


# --- dispatchers ---------------------------------------------------------------------------


class CaseLinksView(ThrottledWithMessage, APIView):
    """A case's image links; POST texts the caller a new one (throttled per dispatcher)."""

    permission_classes = [IsDispatcher]
    throttle_scope = "imaging_link"

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(responses=LinkSerializer(many=True))
    def get(self, request, pk: int):
        links = access.links_of_case_recorded(user=request.user, case=_case(pk),
                                              reason="image links listed")
        return Response(LinkSerializer(links, many=True).data)

    @extend_schema(request=LinkInputSerializer, responses={201: LinkSerializer})
    def post(self, request, pk: int):
        def run():
            data = validated_data(LinkInputSerializer, request)
            # The link points where this console reached the product, unless a public
            # address is configured (IMAGING_PUBLIC_URL, SMS_SITE_URL).
            link, _token = services.image_link_send(
                case=_case(pk), phone=data["phone"], by=request.user,
                site_url=request.build_absolute_uri("/"))
            return created(LinkSerializer(link).data)

        def replay():
            link = access.link_sent_by_recorded(user=request.user, case_id=pk,
                                                reason="image link sent by SMS (replay)")
            return created(LinkSerializer(link).data)

        return idempotent(request, scope=f"imaging-link:{pk}", action=run, replay=replay)


class LinkRevokeView(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(request=None, responses=LinkSerializer)
    def post(self, request, pk: int):
        link = get_object_or_404(ImageLink, pk=pk)
        return Response(LinkSerializer(services.link_revoke(link=link, by=request.user)).data)


class CaseImagesView(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(responses=ImageSerializer(many=True))
    def get(self, request, pk: int):
        images = access.images_of_case_recorded(user=request.user, case=_case(pk),
                                                reason="caller images listed")
        return Response(ImageSerializer(images, many=True).data)


class ImageDetailView(APIView):
    permission_classes = [IsDispatcherOrCrew]

    @extend_schema(responses=ImageSerializer)
    def get(self, request, pk: int):
        return Response(ImageSerializer(access.image_get_recorded(
            user=request.user, pk=pk, reason="caller image opened")).data)


class AnyAccept(DefaultContentNegotiation):
    """An <img> asks for image/*; the errors of these views are JSON all the same."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _image_file_view(variant: str):
    class View(APIView):
        permission_classes = [IsDispatcherOrCrew]
        content_negotiation_class = AnyAccept

        @extend_schema(responses={(200, "image/jpeg"): OpenApiResponse(description="JPEG")})
        def get(self, request, pk: int):
            image = _image(request, pk)
            if image.deleted_at is not None:
                raise services.Gone(_("The image was deleted after the retention time."))
            if image.state != ImageState.READY:
                raise Conflict(_("The image is not ready to be shown."))
            try:
                handle = access.image_file_open_recorded(
                    user=request.user, image=image, variant=variant,
                    reason=f"caller image viewed ({variant})")
            except (OSError, ValueError):
                raise NotFound(_("The image file is missing.")) from None
            response = FileResponse(handle, content_type="image/jpeg", as_attachment=False,
                                    filename=f"bild-{image.pk}.jpg")
            response["Content-Disposition"] = f'inline; filename="bild-{image.pk}.jpg"'
            response["X-Content-Type-Options"] = "nosniff"
            response["Cache-Control"] = "private, no-store"
            return response

    View.__name__ = f"Image{variant.title()}View"
    return View


ImageDisplayView = _image_file_view("display")
ImageThumbnailView = _image_file_view("thumbnail")


def _image_action(name: str, act, *, body=None, reason: str):
    class View(APIView):
        permission_classes = [IsDispatcher]

        @extend_schema(request=body, responses=ImageSerializer)
        def post(self, request, pk: int):
            def run():
                data = validated_data(body, request) if body else {}
                act(image=_image(request, pk), by=request.user, **data)
                # The service recorded the change (action update) that this answer shows.
                return Response(ImageSerializer(_image(request, pk)).data)

            def replay():
                return Response(ImageSerializer(access.image_get_recorded(
                    user=request.user, pk=pk, reason=f"{reason} (replay)")).data)

            return idempotent(request, scope=f"imaging-{name}:{pk}", action=run, replay=replay)

    View.__name__ = f"Image{name.title()}View"
    return View


ImageAssessView = _image_action("assess", services.image_assess, body=AssessInputSerializer,
                                reason="caller image assessed")
ImageForwardView = _image_action("forward", services.image_forward,
                                 reason="caller image forwarded")


# --- crews ---------------------------------------------------------------------------------


class AssignmentImagesView(APIView):
    """The images forwarded to an assignment: dispatchers; its crew (on the unit now) while the
    assignment is active (an empty list after)."""

    permission_classes = [IsDispatcherOrCrew]

    @extend_schema(responses=ImageSerializer(many=True))
    def get(self, request, pk: int):
        assignment = assignments_visible_to(user=request.user, active_only=False).filter(
            pk=pk).first()
        if assignment is None:
            raise NotFound(_("No such assignment on your unit."))
        images = access.images_of_assignment_recorded(
            user=request.user, assignment=assignment,
            reason="caller images of the assignment listed")
        return Response(ImageSerializer(images, many=True).data)


# --- the caller ----------------------------------------------------------------------------


class UploadSessionThrottle(SimpleRateThrottle):
    scope = "imaging_upload_session"

    def get_cache_key(self, request, view):
        secret = request.COOKIES.get(settings.IMAGING_UPLOAD_COOKIE)
        if not secret:
            return None
        return self.cache_format % {"scope": self.scope,
                                    "ident": services.secret_hash(secret)}


class UploadAddressThrottle(SimpleRateThrottle):
    scope = "imaging_upload_ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class StateSessionThrottle(UploadSessionThrottle):
    """The page's questions about its uploads count apart from the uploads themselves."""

    scope = "imaging_state_session"


class StateAddressThrottle(UploadAddressThrottle):
    scope = "imaging_state_ip"


class SizeLimitHandler(FileUploadHandler):
    """Stops reading a photo at IMAGING_MAX_UPLOAD_BYTES: a body within the framing allowance
    of the Content-Length check can still hold a photo over the limit, and none reaches the
    disk (Django reads no further than Content-Length)."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.IMAGING_MAX_UPLOAD_BYTES:
            self.request.imaging_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def _enforce_csrf(request) -> None:
    """As DRF's session authentication does: the caller's page has the CSRF cookie from the
    page's own view and sends it back in X-CSRFToken."""
    check = CSRFCheck(lambda request: None)
    check.process_request(request)
    if check.process_view(request, None, (), {}):
        raise PermissionDenied(_("Reload the page and send the photo again."))


class UploadView(ThrottledWithMessage, APIView):
    """The caller's phone: POST a photo (multipart `image`, `upload_id` or Idempotency-Key),
    GET what is left. Authenticated by the upload-session cookie alone."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [UploadSessionThrottle, UploadAddressThrottle]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_throttles(self):
        if self.request.method == "GET":
            return [StateSessionThrottle(), StateAddressThrottle()]
        return super().get_throttles()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "no-store"
        return response

    def _session(self, request):
        session = upload_session_from_request(request)
        if session is None:
            raise services.Gone(services.gone_message())
        return session

    @extend_schema(responses=None)
    def get(self, request):
        session = self._session(request)
        images = session.link.images.order_by("received_at", "pk")
        return Response({
            "remaining": services.upload_remaining(session=session),
            "expires_at": session.expires_at,
            "received": [
                {"upload_id": i.upload_id, "state": i.state,
                 **({"reason": i.reject_reason} if i.state == ImageState.REJECTED else {})}
                for i in images
            ],
        })

    @extend_schema(request=None, responses={201: UploadAnswerSerializer})
    def post(self, request):
        session = self._session(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.IMAGING_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD:
            raise services.upload_too_large()
        request._request.upload_handlers.insert(0, SizeLimitHandler(request._request))
        _enforce_csrf(request._request)
        if getattr(request._request, "imaging_too_large", False):
            raise services.upload_too_large()
        data = request.data if isinstance(request.data, dict) else {}
        upload_id = request.headers.get("Idempotency-Key") or data.get("upload_id")
        file = request.FILES.get("image")
        if getattr(request._request, "imaging_too_large", False):
            raise services.upload_too_large()
        image, is_new = services.image_upload(session=session, upload_id=upload_id, file=file)
        answer = {"id": image.pk, "state": image.state,
                  "remaining": services.upload_remaining(session=session)}
        if is_new:
            return created(answer)
        response = Response(answer)
        response["Idempotent-Replay"] = "true"
        return response
