"""The three routes the benchmark's client calls, as plain Django views (sync, as DRF's are)."""

import json

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import BareAssignment, BareCase


@csrf_exempt
@require_POST
def case_create(request):
    return JsonResponse({"id": BareCase.objects.create().pk}, status=201)


@csrf_exempt
@require_POST
def case_dispatch(request, pk: int):
    unit = json.loads(request.body)["units"][0]
    assignment = BareAssignment.objects.create(case_id=pk, unit=unit)
    async_to_sync(get_channel_layer().group_send)(f"unit.{unit}", {
        "type": "bare.event",
        "text": json.dumps({"op": "event", "event": {
            "stream": f"unit.{unit}", "type": "assignment.created",
            "data": {"id": assignment.pk, "case": pk, "unit": unit}}}),
    })
    return JsonResponse([{"id": assignment.pk}], status=201, safe=False)


@csrf_exempt
@require_POST
def assignment_status(request, pk: int):
    BareAssignment.objects.filter(pk=pk).update(status=json.loads(request.body)["status"])
    return JsonResponse({"id": pk})
