"""API plumbing shared by every app: error answers and idempotent requests."""

import logging
import re
from collections.abc import Callable

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from timers.services import lock_conflict

from .errors import DomainError
from .models import IdempotentRequest

logger = logging.getLogger(__name__)
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")


def _flatten(detail) -> str:
    if isinstance(detail, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in detail.items())
    if isinstance(detail, list):
        return " ".join(_flatten(v) for v in detail)
    return str(detail)


def exception_handler(exc, context):
    """Every refusal is JSON with a `detail` a person can act on (and `errors` per field)."""
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message, **exc.extra}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if lock_conflict(exc):
        # The database ended the transaction (a deadlock's loser, a serialisation failure):
        # it was rolled back whole, so it can simply be sent again.
        logger.warning("%s %s rolled back on a lock conflict: %s", context["request"].method,
                       context["request"].path, exc.__cause__)
        return Response({"detail": _("Someone else changed the same record at that moment. "
                                     "Nothing of this was saved; try again.")},
                        status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "1"})
    if isinstance(exc, ObjectDoesNotExist | Http404):
        # Django's own words ("No Case matches the given query.") are English and name a
        # model: the person is told, in their language, that there is nothing of theirs there.
        return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": _flatten(exc.detail), "errors": exc.detail}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response


def idempotency_key_of(request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None and isinstance(request.data, dict):
        key = request.data.get("idempotency_key")
    if key in (None, ""):
        return None
    if not isinstance(key, str) or not IDEMPOTENCY_KEY.match(key):
        raise exceptions.ValidationError(
            {"idempotency_key": "Use 8 to 100 letters, digits, '-', '_', '.' or ':'."}
        )
    return key


def idempotent(
    request, *, scope: str, action: Callable[[], Response], replay: Callable[[], Response]
) -> Response:
    """Run `action` once per (user, idempotency key); a replay gets the same answer.

    The key row is inserted in the same transaction as the action, so two copies of one
    request racing in two processes cannot both act: the second waits, then reads the answer.
    A refusal is stored and given again as it was. A success is not stored (it may hold
    patient data): a replay gets `replay()`, the current state rendered afresh, so the read
    is written to the access log like any other.
    """
    key = idempotency_key_of(request)
    if key is None:
        return action()

    def answer_again() -> Response:
        stored = IdempotentRequest.objects.get(user=request.user, key=key)
        if stored.scope != scope:
            raise exceptions.ValidationError(
                {"idempotency_key": "This key was already used for another request."}
            )
        if stored.status_code is not None and stored.status_code >= 400:
            response = Response(stored.response, status=stored.status_code)
        else:
            response = replay()
            response.status_code = stored.status_code or response.status_code
        response["Idempotent-Replay"] = "true"
        return response

    if IdempotentRequest.objects.filter(user=request.user, key=key).exists():
        return answer_again()
    try:
        with transaction.atomic():
            record = IdempotentRequest.objects.create(user=request.user, key=key, scope=scope)
            try:
                with transaction.atomic():
                    response = action()
            except (DomainError, exceptions.APIException, Http404) as exc:
                response = exception_handler(exc, {})
            if response.status_code >= 500:
                raise RuntimeError("not stored")
            record.status_code = response.status_code
            record.response = response.data if response.status_code >= 400 else None
            record.save(update_fields=["status_code", "response"])
            return response
    except IntegrityError:
        return answer_again()


def validated_data(serializer_class, request, **kwargs) -> dict:
    """The request's body checked by `serializer_class`; a refusal is a 400 with its fields."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def created(data) -> Response:
    return Response(data, status=status.HTTP_201_CREATED)
