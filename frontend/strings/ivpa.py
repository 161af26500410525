"""First-responder (IVPA) labels (t('ivpa....')): the console's panel and the responder's phone
show the same names of case types, statuses and routes."""

from django.utils.translation import gettext as _

from dispatch.models import CaseType, SceneFlag
from ivpa.models import AlertStatus, CalloutEnd, ResponderKind, Route, Training

from .common import labels


def ivpa() -> dict:
    """Case types, scene flags, alert statuses, routes, kinds, ends, trainings, distances."""
    return {
        "case_type": labels(CaseType.choices),
        "scene_flag": labels(SceneFlag.choices),
        "status": {**labels(AlertStatus.choices), "seen": _("Seen")},
        "route": labels(Route.choices),
        "kind": labels(ResponderKind.choices),
        "end": labels(CalloutEnd.choices),
        "training": labels(Training.choices),
        "metres": _("{n} m"),
        "kilometres": _("{n} km"),
        # A time from the built-in estimate, not the router (places.travel's source).
        "estimated": _("estimated"),
        "eta_estimated": _("≈ {time} (estimated)"),
    }
