"""Crew safety (seed 002): risk notices (*skyddsinformation*) tied to an address, a place with a
radius or a person; their matches with cases; the crew's acknowledgement; crew reports of
threats and violence (*hot- och våldsrapport*); partner organisations that share notices; and
the crew's panic alarm (*överfallslarm*)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crews.models import LATITUDE, LONGITUDE, Region, Unit
from dispatch.models import Assignment, Case


class NoticeCategory(models.TextChoices):
    THREAT = "threat", _("Threat")
    VIOLENCE = "violence", _("Violence")
    WEAPON = "weapon", _("Weapon")
    DANGEROUS_ANIMAL = "dangerous_animal", _("Dangerous animal")
    OTHER = "other", _("Other risk")


class NoticeAction(models.TextChoices):
    """What the crew is recommended to do (*rekommenderad åtgärd*)."""

    POLICE_FIRST = "police_first", _("Police first")
    STAGING = "staging", _("Wait at a staging point")
    TWO_UNITS = "two_units", _("Send two units")
    CAUTION = "caution", _("Approach with care")


class NoticeSource(models.TextChoices):
    CREW_REPORT = "crew_report", _("Crew report")
    DISPATCHER = "dispatcher", _("Dispatcher")
    POLICE = "police", _("Police")
    SOS_ALARM = "sos_alarm", _("SOS Alarm")
    OTHER_CENTRE = "other_centre", _("Another dispatch centre")


class NoticeState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting review")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Rejected at review")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PartnerKind(models.TextChoices):
    POLICE = "police", _("Police region")
    SOS_ALARM = "sos_alarm", _("SOS Alarm")
    OTHER_CENTRE = "other_centre", _("Another dispatch centre")


class Partner(models.Model):
    """An organisation the centre shares risk notices with (*samverkanspart*): a police region,
    SOS Alarm, another centre. It signs in with the API token of its service account (`user`,
    role partner) and sees only the shareable notices of `regions`."""

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=PartnerKind.choices)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="safety_partner")
    regions = models.ManyToManyField(Region, related_name="+")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RiskNotice(models.Model):
    """Protective information for the crew's risk assessment (*skyddsinformation*): where (an
    address of the register, a place with a radius) and optionally who, what the risk is and
    what to do. A proposed notice (a crew report, a partner's) matches nothing until reviewed;
    an expired one stops matching and stays in the record."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               help_text="Whose notice it is: partners read by region.")
    address = models.CharField(max_length=200, blank=True, help_text="The address in words.")
    address_ref = models.ForeignKey(
        "places.Address", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The address of the register it was tied to, when it was.")
    address_key = models.CharField(
        max_length=250, blank=True, db_index=True,
        help_text="The address folded for matching (safety.matching.address_key): the same "
                  "address however it was typed.")
    latitude = models.FloatField(validators=LATITUDE)
    longitude = models.FloatField(validators=LONGITUDE)
    radius_m = models.PositiveIntegerField(
        default=0, help_text="Matches cases within this distance (metres); 0: the address only.")
    person_key = models.CharField(
        max_length=10, blank=True, db_index=True,
        help_text="The person's identity number as core.identity_numbers.pin_key: matches "
                  "cases about that person wherever they are.")
    category = models.CharField(max_length=20, choices=NoticeCategory.choices)
    action = models.CharField(max_length=20, choices=NoticeAction.choices)
    source = models.CharField(max_length=20, choices=NoticeSource.choices)
    source_partner = models.ForeignKey(Partner, null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="notices")
    background = models.TextField(
        blank=True, help_text="What is known and from whom: dispatchers only, never the crew, "
                              "a volunteer or a partner.")
    shareable = models.BooleanField(
        default=False, help_text="Partners of the notice's region may read it.")
    state = models.CharField(max_length=20, choices=NoticeState.choices,
                             default=NoticeState.ACTIVE)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(help_text="Stops matching after this.")
    review_at = models.DateField(null=True, blank=True,
                                 help_text="When someone should look at it again.")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    entered_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    changed_at = models.DateTimeField(
        default=timezone.now, db_index=True,
        help_text="Last entered, changed, reviewed or withdrawn: a partner's ?since= reads it.")

    class Meta:
        ordering = ["-entered_at"]
        indexes = [
            models.Index(fields=["state", "latitude", "longitude"], name="notice_state_place"),
            models.Index(fields=["region", "state"], name="notice_region_state"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.address or self.pk}"


class MatchReason(models.TextChoices):
    ADDRESS = "address", _("Same address")
    RADIUS = "radius", _("Within the notice's radius")
    PERSON = "person", _("Same person")


class MatchDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting the dispatcher")
    APPLIED = "applied", _("Applies to this case")
    DISMISSED = "dismissed", _("Does not apply")


class NoticeMatch(models.Model):
    """A notice that matched a case (*träff*), how, and whether the dispatcher confirmed it
    applies. An applied notice reaches the crews of the case."""

    notice = models.ForeignKey(RiskNotice, on_delete=models.PROTECT, related_name="matches")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notice_matches")
    reasons = models.JSONField(default=list, help_text="MatchReason values, how it matched.")
    distance_m = models.PositiveIntegerField(null=True, blank=True)
    matched_at = models.DateTimeField()
    decision = models.CharField(max_length=20, choices=MatchDecision.choices,
                                default=MatchDecision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["matched_at", "id"]
        constraints = [models.UniqueConstraint(fields=["notice", "case"],
                                               name="noticematch_one_per_case")]

    def __str__(self) -> str:
        return f"notice {self.notice_id} · case {self.case_id} · {self.decision}"


class NoticeAcknowledgement(models.Model):
    """A crew member confirmed they read an applied notice on their assignment (*kvittens*)."""

    match = models.ForeignKey(NoticeMatch, on_delete=models.CASCADE,
                              related_name="acknowledgements")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    acknowledged_at = models.DateTimeField()

    class Meta:
        ordering = ["acknowledged_at"]
        constraints = [models.UniqueConstraint(fields=["match", "assignment"],
                                               name="noticeack_one_per_assignment")]

    def __str__(self) -> str:
        return f"match {self.match_id} · assignment {self.assignment_id}"


class CrewReport(models.Model):
    """A crew's report of a threat or violence after a visit (*hot- och våldsrapport*): kept
    for the work-environment follow-up, and proposed as a notice that a dispatcher or the
    manager reviews before it matches anything."""

    assignment = models.ForeignKey(Assignment, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    reported_at = models.DateTimeField()
    category = models.CharField(max_length=20, choices=NoticeCategory.choices)
    violence_happened = models.BooleanField(
        default=False, help_text="Someone was attacked, not only threatened.")
    description = models.TextField(blank=True)
    notice = models.OneToOneField(RiskNotice, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="crew_report")
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["region", "reported_at"], name="crewreport_region_time")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.reported_at:%Y-%m-%d %H:%M}"


class ExchangeDirection(models.TextChoices):
    RECEIVED = "received", _("Received from the partner")
    SENT = "sent", _("Sent to the partner")


class PartnerExchange(models.Model):
    """One exchange with a partner (what, to or from whom, when): every notice posted by a
    partner and every read of notices by one."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="exchanges")
    direction = models.CharField(max_length=10, choices=ExchangeDirection.choices)
    at = models.DateTimeField()
    notice_ids = models.JSONField(default=list)
    what = models.CharField(max_length=200)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} · {self.at:%Y-%m-%d %H:%M}"


class PanicState(models.TextChoices):
    RAISED = "raised", _("Raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged, help is coming")
    CANCELLED = "cancelled", _("Cancelled by the crew")
    CLOSED = "closed", _("Closed")


class PanicAlarm(models.Model):
    """The crew's panic alarm (*överfallslarm*): raised on the tablet or phone, rings on every
    console until a dispatcher acknowledges it; escalates by SMS when nobody does in time."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    raised_at = models.DateTimeField(help_text="When the crew raised it (the device's time, "
                                               "when it was queued offline).")
    received_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=20, choices=PanicState.choices,
                             default=PanicState.RAISED)
    latitude = models.FloatField(null=True, blank=True, validators=LATITUDE)
    longitude = models.FloatField(null=True, blank=True, validators=LONGITUDE)
    accuracy_m = models.FloatField(null=True, blank=True)
    position_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    escalated_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    cancel_reason = models.CharField(max_length=200, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    close_note = models.CharField(max_length=200, blank=True,
                                  help_text="The dispatcher's note on closing it.")

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["state", "raised_at"], name="panic_state_time")]

    def __str__(self) -> str:
        return f"{self.unit} {self.raised_at:%Y-%m-%d %H:%M}"


class PanicPosition(models.Model):
    """A position the device sent while its alarm was open (every few seconds)."""

    alarm = models.ForeignKey(PanicAlarm, on_delete=models.CASCADE, related_name="positions")
    latitude = models.FloatField(validators=LATITUDE)
    longitude = models.FloatField(validators=LONGITUDE)
    accuracy_m = models.FloatField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.alarm_id} {self.at:%H:%M:%S}"
