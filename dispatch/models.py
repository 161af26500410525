"""Cases (*ärenden*) and assignments (*uppdrag*).

A case holds every time and field the follow-up measures of the centre need (seed 000):
call received, call answered, first alert, MBS and chosen priority and the reason when they
differ, referral, personal identity number when known, position.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.identity_numbers import pin_key
from crews.models import LATITUDE, LONGITUDE, Region, Unit


class Priority(models.TextChoices):
    P1A = "1A", "1A"
    P1B = "1B", "1B"
    P2A = "2A", "2A"
    P2B = "2B", "2B"
    P3 = "3", "3"
    REFERRAL = "referral", _("Referral (no ambulance)")


PRIORITY_RANK = {p: i for i, p in enumerate(Priority.values)}
# Priority 1 (*prio 1*): lights and sirens, 1A the most urgent.
PRIORITY_ONE: tuple[str, ...] = (Priority.P1A, Priority.P1B)
# Priority 2: without lights and sirens, within the hour.
PRIORITY_TWO: tuple[str, ...] = (Priority.P2A, Priority.P2B)


def is_priority_one(priority: str) -> bool:
    return priority in PRIORITY_ONE


def dispatched_at_priority_one() -> models.Q:
    """Cases whose first alert went out at priority 1 (1A or 1B), as the measures count them."""
    one = list(PRIORITY_ONE)
    return (models.Q(first_alert_at__isnull=False)
            & (models.Q(first_alert_priority__in=one)
               | models.Q(first_alert_priority="", priority__in=one)))


class CaseType(models.TextChoices):
    """What the call is about (*ärendetyp*), as the dispatcher classifies it; first-responder
    alerting and other follow-up depend on it."""

    CARDIAC_ARREST = "cardiac_arrest", _("Cardiac arrest")
    UNCONSCIOUS_NOT_BREATHING = "unconscious_not_breathing", _(
        "Unconscious, not breathing normally")
    CHOKING = "choking", _("Choking")
    SEVERE_BLEEDING = "severe_bleeding", _("Severe bleeding")
    DROWNING = "drowning", _("Drowning")
    CHEST_PAIN = "chest_pain", _("Chest pain")
    STROKE = "stroke", _("Stroke")
    BREATHING_DIFFICULTY = "breathing_difficulty", _("Breathing difficulty")
    TRAUMA = "trauma", _("Trauma")
    ALLERGIC_REACTION = "allergic_reaction", _("Allergic reaction")
    # A standby or an event where no patient is expected to be taken in (*händelse*); measure 4
    # leaves it out with cardiac arrest and allergic reaction (seed 000).
    EVENT = "event", _("Event or standby")
    OTHER = "other", _("Other")


class SceneFlag(models.TextChoices):
    """Circumstances at the scene that decide who may be sent there."""

    CHILD_UNDER_8 = "child_under_8", _("Child under 8")
    UNSAFE_SCENE = "unsafe_scene", _("Unsafe scene (threat, violence)")
    SELF_HARM = "self_harm", _("Self-harm or suicide attempt")
    INFECTION = "infection", _("Infection risk")


class MassTriage(models.TextChoices):
    """The mass-casualty triage categories (*masskadetriage*), offered on a case while a
    major incident's TiB has switched to them (incidents.TriageDecision)."""

    RED = "red", _("Priority 1, red: immediate")
    YELLOW = "yellow", _("Priority 2, yellow: urgent")
    GREEN = "green", _("Priority 3, green: can wait")
    BLACK = "black", _("Dead")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CallSource(models.TextChoices):
    IMPORT = "import", _("Imported call log")
    INTEGRATION = "integration", _("Telephony integration")


class Call(models.Model):
    """A call to the centre (*samtal*) as the telephony system logged it: queued, answered, by
    whom, on which line. Measure 1 runs from its answer; measure 2 is the median answer time
    on prioritised lines (seed 000)."""

    call_id = models.CharField(max_length=64, unique=True,
                               help_text="The telephony system's id: imports are idempotent "
                                         "by it.")
    line = models.CharField(max_length=40, blank=True)
    prioritised = models.BooleanField(default=False, help_text="A prioritised line (*prioriterad "
                                                               "linje*): measure 2.")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="calls",
                               help_text="The region whose line the call came on.")
    queued_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    operator_name = models.CharField(max_length=120, blank=True,
                                     help_text="The operator as the telephony system named "
                                               "them.")
    source = models.CharField(max_length=20, choices=CallSource.choices,
                              default=CallSource.IMPORT)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-queued_at"]
        indexes = [models.Index(fields=["region", "queued_at"], name="call_region_time"),
                   models.Index(fields=["operator", "answered_at"], name="call_operator_time")]

    def __str__(self) -> str:
        return self.call_id


class Case(models.Model):
    """A call and what the centre decided about it (*ärende*)."""

    reference = models.CharField(max_length=30, unique=True, null=True, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    caller_number = models.CharField(max_length=20)
    address = models.CharField(max_length=200)
    municipality = models.CharField(max_length=80, blank=True)
    municipality_code = models.CharField(
        max_length=4, blank=True,
        help_text="The municipality's code (places.Municipality) when the place matched one.")
    region_set_by_hand = models.BooleanField(
        default=False,
        help_text="The dispatcher chose a region other than the one the municipality belongs "
                  "to.")
    latitude = models.FloatField(validators=LATITUDE)
    longitude = models.FloatField(validators=LONGITUDE)
    complaint = models.CharField(max_length=200)
    case_type = models.CharField(
        max_length=30, choices=CaseType.choices, default=CaseType.OTHER, db_index=True
    )
    scene_flags = models.JSONField(default=list, blank=True)
    mass_triage = models.CharField(max_length=10, choices=MassTriage.choices, blank=True)
    door_code = models.CharField(max_length=40, blank=True, help_text="Door code (*portkod*).")
    notes = models.TextField(blank=True)
    safety_warning = models.CharField(
        max_length=200, blank=True,
        help_text="Known risk at the address, shared with the crew (seed 002).",
    )
    mbs_priority = models.CharField(max_length=10, choices=Priority.choices)
    priority = models.CharField(max_length=10, choices=Priority.choices)
    priority_change_reason = models.CharField(max_length=200, blank=True)
    is_prioritised_line = models.BooleanField(
        default=False, help_text="The call came on a prioritised line (measure 2)."
    )
    personal_identity_number = models.CharField(max_length=13, blank=True, db_index=True)
    pin_key = models.CharField(
        max_length=10, blank=True, db_index=True,
        help_text="The ten digits that name the person however the number was typed "
                  "(core.identity_numbers.pin_key): the follow-up joins cases, referrals and "
                  "hospital visits on it in the database. Set on save; a bulk insert sets it.")
    patient_name = models.CharField(max_length=120, blank=True)
    referred_to = models.CharField(max_length=120, blank=True)
    call = models.OneToOneField(
        Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="case",
        help_text="The call the case came from: its queue and answer times are the case's.")
    call_received_at = models.DateTimeField()
    call_answered_at = models.DateTimeField()
    registered_at = models.DateTimeField()
    first_alert_at = models.DateTimeField(null=True, blank=True)
    first_alert_priority = models.CharField(
        max_length=10, choices=Priority.choices, blank=True,
        help_text="The priority when the first unit was alerted: the follow-up measures count "
                  "a case by it, not by a later change.",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    required_capabilities = models.JSONField(
        default=list, blank=True,
        help_text="What a unit must be configured for to be sent (seed 004: intensive_care, "
                  "infection, bariatric, cbrne); units without it are shown with why.")
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every edit: an edit made on an older version is a 409.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-registered_at"]
        indexes = [models.Index(fields=["region", "registered_at"], name="case_region_time")]

    def __str__(self) -> str:
        return self.reference or f"case {self.pk}"

    def save(self, *args, **kwargs):
        self.pin_key = pin_key(self.personal_identity_number)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "personal_identity_number" in update_fields:
            kwargs["update_fields"] = {*update_fields, "pin_key"}
        super().save(*args, **kwargs)

    @property
    def alerted_priority(self) -> str:
        """The priority the case was dispatched at (its priority for a record written without
        `first_alert_priority`, e.g. an import)."""
        return self.first_alert_priority or self.priority

    @property
    def patient_key(self) -> str:
        return self.personal_identity_number or self.reference or f"case-{self.pk}"


class AssignmentStatus(models.TextChoices):
    ALERTED = "alerted", _("Alerted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    EN_ROUTE = "en_route", _("En route")
    # Waiting at a staging point (*brytpunkt*) for the police, between en route and on scene.
    AT_STAGING = "at_staging", _("At staging point")
    ON_SCENE = "on_scene", _("On scene")
    TRANSPORTING = "transporting", _("Transporting")
    AT_HOSPITAL = "at_hospital", _("At hospital")
    AVAILABLE = "available", _("Available")
    CANCELLED = "cancelled", _("Cancelled")
    REDIRECTED = "redirected", _("Redirected")


ACTIVE_STATUSES = (
    AssignmentStatus.ALERTED, AssignmentStatus.ACKNOWLEDGED, AssignmentStatus.EN_ROUTE,
    AssignmentStatus.AT_STAGING, AssignmentStatus.ON_SCENE, AssignmentStatus.TRANSPORTING,
    AssignmentStatus.AT_HOSPITAL,
)


class Assignment(models.Model):
    """A unit sent to a case (*uppdrag*), with one timestamp per status."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(
        max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.ALERTED
    )
    alerted_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    en_route_at = models.DateTimeField(null=True, blank=True)
    at_staging_at = models.DateTimeField(null=True, blank=True)
    on_scene_at = models.DateTimeField(null=True, blank=True)
    transporting_at = models.DateTimeField(null=True, blank=True)
    at_hospital_at = models.DateTimeField(null=True, blank=True)
    available_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    redirected_at = models.DateTimeField(null=True, blank=True)
    redirected_to = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="redirected_from"
    )
    status_changed_at = models.DateTimeField()
    destination = models.CharField(
        max_length=120, blank=True,
        help_text="A destination named in words (no position); a chosen hospital is "
                  "destination_hospital.")
    destination_hospital = models.ForeignKey(
        "places.Hospital", null=True, blank=True, on_delete=models.PROTECT,
        related_name="assignments",
        help_text="Where the patient is taken (*destination*): the crew's or the dispatcher's "
                  "choice; the map and \"Navigera\" go there once the patient is loaded.")
    destination_set_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the destination was chosen (on the tablet for a crew's pick): a pick "
                  "made before another person's later choice does not replace it.")
    destination_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="Who chose the destination (a dispatcher or a crew member).")
    override_reason = models.CharField(
        max_length=200, blank=True,
        help_text="Why a unit that was not dispatchable (unmanned, out of service, lacking a "
                  "capability the case needs) was sent anyway: the dispatcher's words.")
    staging_latitude = models.FloatField(
        null=True, blank=True, validators=LATITUDE,
        help_text="A staging point (*brytpunkt*) to wait at for the police before going in.")
    staging_longitude = models.FloatField(null=True, blank=True, validators=LONGITUDE)
    staging_reason = models.CharField(
        max_length=200, blank=True, help_text="Why the crew waits: shown on the tablet.")
    staging_ordered_at = models.DateTimeField(null=True, blank=True)
    staging_ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+")
    staging_released_at = models.DateTimeField(
        null=True, blank=True, help_text="The dispatcher let the crew go in (\"police on "
                                         "scene, go in\").")
    staging_released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+")
    ack_overdue = models.BooleanField(default=False)
    resend_count = models.PositiveIntegerField(default=0)
    status_overdue = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-alerted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(status__in=[s.value for s in ACTIVE_STATUSES]),
                name="assignment_one_active_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} → {self.case}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def transported(self) -> bool:
        return self.transporting_at is not None


class CaseChange(models.Model):
    """One edit of one field of a case (*ändring i ärendet*): who, when, from, to and why; the
    case's history, sent live to the crews on it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=40)
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["case", "changed_at"], name="casechange_case_time")]

    def __str__(self) -> str:
        return f"{self.case} {self.field}"


class AssignmentMessage(models.Model):
    """A short message between the crew and the dispatcher on an assignment (*meddelande*):
    stored, sent live, acknowledged by the other side, and part of the case's history."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    from_crew = models.BooleanField(help_text="Written on the unit's tablet, not at the centre.")
    text = models.CharField(max_length=500)
    sent_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+")

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.text[:30]}"
