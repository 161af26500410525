"""The indicators TiB switches to mass-casualty triage (*masskadetriage*) on: the one home of
their codes and their words. Which of them a centre offers is configured
(settings.INCIDENT_TRIAGE_INDICATORS, a list of these codes); a Python table, not a model, so
adding one needs no migration."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import choice_label


class TriageIndicator(models.TextChoices):
    CASUALTIES_EXCEED_CAPACITY = "casualties_exceed_capacity", _(
        "More casualties than available resources")
    SEVERAL_SEVERELY_INJURED = "several_severely_injured", _("Several severely injured")
    HOSPITAL_CAPACITY_EXCEEDED = "hospital_capacity_exceeded", _(
        "The receiving hospitals' capacity is exceeded")
    PROLONGED_EXTRICATION = "prolonged_extrication", _("Prolonged extrication")
    CBRNE = "cbrne", _("Chemical, biological, radiological, nuclear or explosive hazard")
    LONG_TRANSPORTS = "long_transports", _("Long transport times to hospital")
    UNSAFE_SCENE = "unsafe_scene", _("Unsafe scene limits care on site")


def indicators_configured() -> list[str]:
    """The codes this centre offers, in the configured order (unknown codes in the setting are
    left out rather than shown as codes)."""
    return [code for code in settings.INCIDENT_TRIAGE_INDICATORS
            if code in TriageIndicator.values]


def indicator_items(codes) -> list[dict]:
    """[{code, text}] for the screens: each code with its words."""
    return [{"code": code, "text": choice_label(TriageIndicator, code)} for code in codes]
