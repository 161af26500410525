"""First-responder alerting (*IVPA, i väntan på ambulans*).

A connected municipality (*ansluten kommun*) decides who may be alerted there and for what.
Responders (*IVPA-resurser*: volunteers, fire/rescue and police units) share where they are
while available; for an eligible case a callout (*IVPA-larm*) alerts the nearest of them in
waves until enough have accepted. Alerts keep the distance and times the follow-up needs, never
a volunteer's position.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crews.models import LATITUDE, LONGITUDE, Region
from dispatch.models import PRIORITY_ONE, Case, CaseType, SceneFlag


class ResponderKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer")
    FIRE_RESCUE = "fire_rescue", _("Fire and rescue unit")
    POLICE = "police", _("Police unit")


def default_kinds() -> list[str]:
    return [ResponderKind.VOLUNTEER, ResponderKind.FIRE_RESCUE]


# The priorities for which responders are alerted (priority 1: lights and sirens); which case
# types is each municipality's rule (Municipality.case_types). selectors.coverage() serves both
# to the console, which shows its IVPA panel only for what they cover.
ALERT_PRIORITIES: tuple[str, ...] = PRIORITY_ONE


def default_case_types() -> list[str]:
    return [CaseType.CARDIAC_ARREST, CaseType.UNCONSCIOUS_NOT_BREATHING, CaseType.CHOKING,
            CaseType.SEVERE_BLEEDING]


def default_excluded_flags() -> list[str]:
    return [SceneFlag.CHILD_UNDER_8, SceneFlag.UNSAFE_SCENE, SceneFlag.SELF_HARM]


class Municipality(models.Model):
    """A municipality (*kommun*); IVPA alerts go out only in connected ones, with its rules.

    The selection parameters have the defaults of Hjerteløber/Heartrunner: up to 20 volunteers
    within 1.8 km, widening to 5 km, five needed of whom the first four fetch a defibrillator.
    """

    code = models.CharField(max_length=4, unique=True, help_text="SCB municipality code.")
    name = models.CharField(max_length=80, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities",
        help_text="Follows the municipality → region table (Places) where it has this code.")
    connected_at = models.DateTimeField(null=True, blank=True)
    auto_alert = models.BooleanField(
        default=True, help_text="Alert without the dispatcher's click for an eligible case.")
    responder_kinds = models.JSONField(default=default_kinds)
    case_types = models.JSONField(default=default_case_types)
    excluded_flags = models.JSONField(default=default_excluded_flags)
    service_start = models.TimeField(null=True, blank=True,
                                     help_text="Empty start and end: around the clock.")
    service_end = models.TimeField(null=True, blank=True)
    radius_m = models.PositiveIntegerField(
        default=1800, validators=[MinValueValidator(100), MaxValueValidator(20000)])
    max_radius_m = models.PositiveIntegerField(
        default=5000, validators=[MinValueValidator(100), MaxValueValidator(20000)])
    wave_size = models.PositiveSmallIntegerField(
        default=20, validators=[MinValueValidator(1), MaxValueValidator(100)])
    wave_interval_s = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(10), MaxValueValidator(900)])
    needed = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Accepting volunteers after which the others are stood down.")
    aed_runners = models.PositiveSmallIntegerField(
        default=4, validators=[MaxValueValidator(20)],
        help_text="How many of the first to accept fetch a defibrillator on the way.")
    unit_radius_m = models.PositiveIntegerField(
        default=20000, validators=[MinValueValidator(1000), MaxValueValidator(100000)],
        help_text="How far away a fire/rescue or police unit may be.")
    fire_units = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="Fire/rescue units alerted in parallel for a cardiac arrest.")
    weekly_cap = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="No volunteer is alerted more often than this in seven days.")
    share_outcome = models.BooleanField(
        default=False, help_text="Responders are told the outcome after the case.")
    debrief_contact = models.CharField(max_length=200, blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="coordinated_municipalities",
        limit_choices_to={"role": "coordinator"},
        help_text="IVPA coordinators (samordnare) who approve this municipality's volunteers.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "municipalities"

    def __str__(self) -> str:
        return self.name

    @property
    def is_connected(self) -> bool:
        return self.connected_at is not None


class Training(models.TextChoices):
    CPR_AED = "cpr_aed", _("CPR and defibrillator (HLR/D-HLR)")
    FIRST_AID = "first_aid", _("First aid with CPR")
    PROFESSIONAL = "professional", _("Health care or rescue professional")


class Approval(models.TextChoices):
    """Whether a volunteer's training was vetted (*godkänd utbildning*): only an approved
    volunteer, within the approval's validity, is ever alerted."""

    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REVOKED = "revoked", _("Approval revoked")


class Responder(models.Model):
    """A first responder (*IVPA-resurs*): a volunteer's phone, or a fire/rescue or police
    unit's device. Its position is kept only while it is available, coarsened, and indexed by
    a grid cell so selection reads a few cells instead of the country. A volunteer's own
    word on their training is not enough: an administrator or their municipality's
    coordinator approves it (`approval`, valid until `approved_until`)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="responder")
    kind = models.CharField(max_length=20, choices=ResponderKind.choices,
                            default=ResponderKind.VOLUNTEER)
    training = models.CharField(max_length=20, choices=Training.choices, blank=True)
    training_confirmed_at = models.DateTimeField(null=True, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="responders",
        help_text="The volunteer's home municipality: its coordinators approve them.")
    approval = models.CharField(max_length=10, choices=Approval.choices,
                                default=Approval.PENDING)
    trained_on = models.DateField(null=True, blank=True,
                                  help_text="The date of the training, as approved.")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    approved_until = models.DateField(
        null=True, blank=True, help_text="Alerted up to and including this day.")
    available = models.BooleanField(default=False)
    available_changed_at = models.DateTimeField(null=True, blank=True)
    hours_start = models.TimeField(null=True, blank=True,
                                   help_text="Alert me only from (empty: any time).")
    hours_end = models.TimeField(null=True, blank=True)
    position_interval_s = models.PositiveIntegerField(default=300)
    latitude = models.FloatField(null=True, blank=True, validators=LATITUDE)
    longitude = models.FloatField(null=True, blank=True, validators=LONGITUDE)
    position_at = models.DateTimeField(null=True, blank=True)
    station_latitude = models.FloatField(null=True, blank=True, validators=LATITUDE,
                                         help_text="A unit's station, used without a position.")
    station_longitude = models.FloatField(null=True, blank=True, validators=LONGITUDE)
    cell = models.BigIntegerField(null=True, blank=True, editable=False)
    weekly_cap = models.PositiveSmallIntegerField(null=True, blank=True)
    registered_at = models.DateTimeField()

    class Meta:
        indexes = [
            # (cell, latitude): selection reads the band of latitudes of each cell it needs.
            models.Index(fields=["cell", "latitude"], name="responder_cell",
                         condition=Q(cell__isnull=False)),
        ]

    def __str__(self) -> str:
        return str(self.user)


class ApprovalAction(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REVOKED = "revoked", _("Revoked")
    RESET = "reset", _("Waiting for approval again")


class ResponderApproval(models.Model):
    """One step of a volunteer's vetting, kept: who approved or revoked their training and
    when, or why it waits for approval again (their own change of training)."""

    responder = models.ForeignKey(Responder, on_delete=models.CASCADE,
                                  related_name="approvals")
    action = models.CharField(max_length=10, choices=ApprovalAction.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                           blank=True, related_name="+",
                           help_text="Empty: the system or the volunteer (the reason says).")
    training = models.CharField(max_length=20, choices=Training.choices, blank=True)
    trained_on = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.responder}: {self.action} {self.at:%Y-%m-%d}"


class Aed(models.Model):
    """A public defibrillator (*hjärtstartare*) from the register, with its opening hours."""

    external_id = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    latitude = models.FloatField(validators=LATITUDE)
    longitude = models.FloatField(validators=LONGITUDE)
    location = models.CharField(max_length=200, blank=True,
                                help_text="Where it hangs: 'entrance hall, left wall'.")
    address = models.CharField(max_length=200, blank=True)
    access_code = models.CharField(max_length=40, blank=True)
    opening_hours = models.CharField(
        max_length=200, blank=True, default="24/7",
        help_text="'24/7', or e.g. 'Mo-Fr 07:00-18:00; Sa 10:00-14:00'.")
    active = models.BooleanField(default=True)
    cell = models.BigIntegerField(editable=False, db_index=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "AED"

    def __str__(self) -> str:
        return self.name


class CalloutEnd(models.TextChoices):
    AMBULANCE_ARRIVED = "ambulance_arrived", _("The ambulance has arrived")
    CANCELLED = "cancelled", _("Cancelled by the dispatcher")
    CASE_CLOSED = "case_closed", _("The case was closed")
    TIMED_OUT = "timed_out", _("Ended after the longest alert time")


class Callout(models.Model):
    """One alerting of first responders for a case (*IVPA-larm*), in waves."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="callouts")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="callouts")
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   help_text="Empty: started by the system.")
    waves = models.PositiveSmallIntegerField(default=0)
    radius_m = models.PositiveIntegerField(default=0)
    next_wave_at = models.DateTimeField(null=True, blank=True)
    exhausted = models.BooleanField(
        default=False, help_text="No one more to alert within the largest radius.")
    volunteers_excluded = models.CharField(
        max_length=40, blank=True, help_text="The scene flag that keeps volunteers away.")
    ambulance_eta_s = models.PositiveIntegerField(null=True, blank=True)
    ambulance_eta_source = models.CharField(
        max_length=10, blank=True,
        help_text="What made the ambulance's time: router, estimate, or empty (on scene).")
    first_alert_at = models.DateTimeField(null=True, blank=True)
    first_accept_at = models.DateTimeField(null=True, blank=True)
    first_arrival_at = models.DateTimeField(null=True, blank=True)
    satisfied_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=CalloutEnd.choices, blank=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(ended_at__isnull=True),
                                    name="callout_one_active_per_case"),
        ]

    def __str__(self) -> str:
        return f"IVPA {self.case}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class AlertStatus(models.TextChoices):
    ALERTED = "alerted", _("Alerted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    ARRIVED = "arrived", _("Arrived")
    NOT_NEEDED = "not_needed", _("No longer needed")
    STOOD_DOWN = "stood_down", _("Stood down")


OPEN_ALERT = (AlertStatus.ALERTED,)
ENGAGED = (AlertStatus.ACCEPTED, AlertStatus.ARRIVED)
# An alert moves forward only: alerted, then accepted or declined, then arrived, then ended
# (no longer needed, stood down). Of two views of one alert the higher rank is the newer: the
# screens never let a fetched view move an alert back (frontend/tables.py hands them this).
ALERT_RANK = {
    AlertStatus.ALERTED: 0, AlertStatus.ACCEPTED: 1, AlertStatus.DECLINED: 1,
    AlertStatus.ARRIVED: 2, AlertStatus.NOT_NEEDED: 3, AlertStatus.STOOD_DOWN: 3,
}


class Route(models.TextChoices):
    DIRECT = "direct", _("Straight to the patient")
    AED = "aed", _("Fetch the defibrillator first")


class ResponderAlert(models.Model):
    """One responder alerted by a callout (*larm till en IVPA-resurs*) and what they did."""

    callout = models.ForeignKey(Callout, on_delete=models.PROTECT, related_name="alerts")
    responder = models.ForeignKey(Responder, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=20, choices=ResponderKind.choices)
    wave = models.PositiveSmallIntegerField()
    distance_m = models.PositiveIntegerField()
    eta_s = models.PositiveIntegerField()
    eta_source = models.CharField(max_length=10, blank=True,
                                  help_text="What made eta_s: router or estimate.")
    status = models.CharField(max_length=20, choices=AlertStatus.choices,
                              default=AlertStatus.ALERTED)
    route = models.CharField(max_length=10, choices=Route.choices, blank=True)
    aed = models.ForeignKey(Aed, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="+")
    legs = models.JSONField(
        default=list, blank=True,
        help_text="The way on accepting, leg by leg: [{from, to, metres, seconds, source}].")
    alerted_at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["alerted_at", "distance_m"]
        constraints = [
            models.UniqueConstraint(fields=["callout", "responder"],
                                    name="alert_once_per_callout"),
        ]
        indexes = [models.Index(fields=["responder", "alerted_at"], name="alert_responder_time")]

    def __str__(self) -> str:
        return f"{self.responder} ← {self.callout}"


class AlertReport(models.Model):
    """What the responder reports after the case, and how they are."""

    alert = models.OneToOneField(ResponderAlert, on_delete=models.CASCADE,
                                 related_name="report")
    arrived_at = models.DateTimeField(null=True, blank=True)
    cpr_started = models.BooleanField(null=True)
    aed_attached = models.BooleanField(null=True)
    aed_shocks = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(30)])
    notes = models.TextField(blank=True, max_length=2000)
    wellbeing = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1: very bad … 5: fine.")
    wants_debrief = models.BooleanField(null=True)
    submitted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"report {self.alert}"
