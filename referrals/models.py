"""Referrals (*hänvisningar*) from the dispatch centre to mobile care units.

A mobile care unit (*mobil enhet*, God och nära vård) keeps a service profile: whether it is
available, where and when it works, what it can do and how many referrals it can hold. A
referral hands one case's patient to one unit with a structured handover. At every moment
exactly one party is responsible for the patient (seed 003: "the last centre that handled the
patient is responsible"): the centre until the unit accepts, the unit from then on, and the
centre again when it withdraws the referral or the unit sends the patient back.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crews.models import LATITUDE, LONGITUDE, Unit
from dispatch.models import Case


class MobileCareProfile(models.Model):
    """What a mobile care unit offers now; its own staff keep it current."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="care_profile")
    available = models.BooleanField(default=False)
    available_changed_at = models.DateTimeField(null=True, blank=True)
    municipalities = models.JSONField(
        default=list, blank=True, help_text="Names of the municipalities the unit serves.")
    centre_latitude = models.FloatField(null=True, blank=True, validators=LATITUDE)
    centre_longitude = models.FloatField(null=True, blank=True, validators=LONGITUDE)
    radius_km = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.5), MaxValueValidator(300)],
        help_text="With the centre point: the area served around it.")
    opening_hours = models.CharField(
        max_length=200, default="24/7",
        help_text="'24/7', or e.g. 'Mo-Fr 07:00-18:00; Sa,Su 09:00-15:00'.")
    skills = models.JSONField(default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        default=3, validators=[MaxValueValidator(50)],
        help_text="Referrals the unit can hold open (sent or accepted) at once.")
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(centre_latitude__isnull=True, centre_longitude__isnull=True,
                             radius_km__isnull=True)
                           | Q(centre_latitude__isnull=False, centre_longitude__isnull=False,
                               radius_km__isnull=False)),
                name="care_profile_centre_complete"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} (profile)"


class Party(models.TextChoices):
    CENTRE = "centre", _("Dispatch centre")
    UNIT = "unit", _("Mobile care unit")


class ReferralState(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    VISITED = "visited", _("Visited")


OPEN_STATES = (ReferralState.SENT, ReferralState.ACCEPTED)


class Line(models.TextChoices):
    """Seed 003 (Oslo): the red line conferences the dispatcher in; the yellow passes the
    patient on, and the receiver sees the patient came from the centre."""

    WARM = "warm", _("Warm (red line: the dispatcher stays on and conferences the unit in)")
    COLD = "cold", _("Cold (yellow line: passed on from the dispatch centre)")


class Consciousness(models.TextChoices):
    ALERT = "A", _("Alert")
    CONFUSION = "C", _("New confusion")
    VOICE = "V", _("Responds to voice")
    PAIN = "P", _("Responds to pain")
    UNRESPONSIVE = "U", _("Unresponsive")


# The skills a unit may offer (settings.REFERRAL_SKILLS) in words; a screen or a message
# names a skill by its label, never by its code ("Såromläggning", not "wound_care").
SKILL_LABELS = {
    "home_visit": _("Home visit"),
    "catheter_care": _("Catheter care"),
    "iv_antibiotics": _("IV antibiotics"),
    "wound_care": _("Wound care"),
    "palliative": _("Palliative care"),
    "medication_review": _("Medication review"),
    "blood_sampling": _("Blood sampling"),
    "fall_assessment": _("Fall assessment"),
    "oxygen_therapy": _("Oxygen therapy"),
}


def skill_label(code: str) -> str:
    """A skill in words: its label, else (a skill a centre added) its code as words."""
    return str(SKILL_LABELS.get(code, code.replace("_", " ")))


class Outcome(models.TextChoices):
    TREATED_AT_HOME = "treated_at_home", _("Treated at home")
    REFERRED_ON = "referred_on", _("Referred on")
    NEEDS_AMBULANCE = "needs_ambulance", _("Needs an ambulance")


class Referral(models.Model):
    """One case's patient referred to one mobile care unit (*hänvisning*).

    `responsible` is stored, not only derived, so every row says who holds the patient; the
    check constraint ties it to the state, and the partial unique constraint keeps at most one
    open referral per case, so two parties can never both (or neither) hold one patient.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="referrals")
    state = models.CharField(max_length=12, choices=ReferralState.choices,
                             default=ReferralState.SENT)
    responsible = models.CharField(max_length=10, choices=Party.choices, default=Party.CENTRE)
    line = models.CharField(max_length=4, choices=Line.choices)
    skills = models.JSONField(default=list, blank=True,
                              help_text="Skills the dispatcher asked for.")
    deadline = models.DateTimeField(help_text="Latest time the patient must be seen.")
    callback_number = models.CharField(max_length=16)
    # The handover (*överrapport*): what the unit needs, nothing more.
    reason = models.CharField(max_length=300)
    assessment = models.TextField(blank=True, max_length=2000)
    respiratory_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    spo2 = models.PositiveSmallIntegerField(null=True, blank=True)
    spo2_scale = models.PositiveSmallIntegerField(default=1, choices=[(1, "1"), (2, "2")])
    on_oxygen = models.BooleanField(null=True, blank=True)
    systolic_bp = models.PositiveSmallIntegerField(null=True, blank=True)
    pulse = models.PositiveSmallIntegerField(null=True, blank=True)
    consciousness = models.CharField(max_length=1, choices=Consciousness.choices, blank=True)
    temperature = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    news2_score = models.PositiveSmallIntegerField(null=True, blank=True)
    news2_complete = models.BooleanField(default=False)
    news2_single_three = models.BooleanField(default=False)
    # The life cycle.
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")
    state_changed_at = models.DateTimeField()
    overdue = models.BooleanField(default=False)
    overdue_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    expected_visit_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.CharField(max_length=300, blank=True)
    visited_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True, max_length=2000)
    referred_on_to = models.CharField(max_length=200, blank=True)
    new_case = models.OneToOneField(Case, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="from_referral",
                                    help_text="The case a 'needs ambulance' outcome created.")

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(state__in=OPEN_STATES),
                                    name="referral_one_open_per_case"),
            models.CheckConstraint(
                condition=(Q(state=ReferralState.ACCEPTED, responsible=Party.UNIT)
                           | Q(state__in=[ReferralState.SENT, ReferralState.DECLINED,
                                          ReferralState.WITHDRAWN], responsible=Party.CENTRE)
                           | Q(state=ReferralState.VISITED)),
                name="referral_responsible_follows_state"),
            models.CheckConstraint(
                condition=~Q(state=ReferralState.ACCEPTED) | Q(expected_visit_at__isnull=False),
                name="referral_accepted_has_visit_time"),
        ]
        indexes = [
            models.Index(fields=["unit", "state"], name="referral_unit_state"),
            models.Index(fields=["sent_at"], name="referral_sent_at"),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.unit}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class ReferralTransition(models.Model):
    """Every change of a referral, kept for the record: who moved it, when, and who was
    responsible after."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="transitions")
    from_state = models.CharField(max_length=12, choices=ReferralState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=ReferralState.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                           blank=True, related_name="+", help_text="Empty: the system.")
    responsible_after = models.CharField(max_length=10, choices=Party.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_state or '-'} → {self.to_state}"
