"""The centre's follow-up (*uppföljning*, seed 000 §3 and seed 004): targets per measure,
follow-up records of flagged deviations, hospital visits for measure 6, the import runs that
brought data in, and each dispatcher's monthly feedback."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crews.models import Region


class Measure(models.IntegerChoices):
    """The seven follow-up measures of seed 000 §3 (*mått*)."""

    ANSWER_TO_ALERT_1A = 1, _("Priority 1A: median time from answered call to alert")
    ANSWER_TIME_PRIORITISED = 2, _("Prioritised lines: median answer time")
    PRIORITY_ONE_OUT_AS_TWO = 3, _("Came in as priority 1, went out as priority 2")
    PRIORITY_ONE_WITHOUT_TRANSPORT = 4, _("Priority 1 dispatches without transport to hospital")
    REFERRAL_RECONTACT_24H = 5, _("Referred, then dispatched at priority 1 within 24 h")
    REFERRAL_ADMITTED_3D = 6, _("Referred, then admitted from the emergency department within "
                                "3 days")
    CHANGE_REASON_GIVEN = 7, _("Priority changes with a reason given")


class TargetComparison(models.TextChoices):
    AT_MOST = "at_most", _("at most")
    AT_LEAST = "at_least", _("at least")


class MeasureTarget(models.Model):
    """A measure's target (*målvärde*) from a date on, for every region or for one. A report
    uses the target in force at the end of its period (README, Follow-up)."""

    measure = models.PositiveSmallIntegerField(choices=Measure.choices)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", help_text="Empty: every region.")
    comparison = models.CharField(max_length=10, choices=TargetComparison.choices)
    value = models.FloatField(help_text="Seconds for measures 1 and 2, a share (0–1) for the "
                                        "others.")
    valid_from = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measure", "valid_from", "id"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "region", "valid_from"],
                                    name="target_one_per_day_region"),
            models.UniqueConstraint(fields=["measure", "valid_from"],
                                    condition=models.Q(region__isnull=True),
                                    name="target_one_per_day_all_regions"),
        ]

    def __str__(self) -> str:
        return f"measure {self.measure} from {self.valid_from}"


class DeviationKind(models.TextChoices):
    REGION = "region", _("Against the other regions")
    TREND = "trend", _("Against the previous tertials")


class DeviationFollowUp(models.Model):
    """A flagged deviation taken up for follow-up (*avvikelse*): who owns it, what was found,
    what was done, and when it was closed (seed 000: deviations are investigated and
    reported)."""

    measure = models.PositiveSmallIntegerField(choices=Measure.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    tertial = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=DeviationKind.choices)
    observed = models.FloatField(null=True, blank=True,
                                 help_text="The region's figure when the record was opened.")
    compared_with = models.FloatField(null=True, blank=True,
                                      help_text="The figure it deviated from.")
    p_value = models.FloatField(null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    finding = models.TextField(blank=True)
    action = models.TextField(blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "-tertial", "measure", "region_id"]
        constraints = [models.UniqueConstraint(
            fields=["measure", "region", "year", "tertial", "kind"],
            name="followup_one_per_deviation")]

    def __str__(self) -> str:
        return f"measure {self.measure} {self.region} {self.year} T{self.tertial}"


class ImportKind(models.TextChoices):
    CALLS = "calls", _("Call log")
    HOSPITAL_VISITS = "hospital_visits", _("Hospital visits")


class ImportRun(models.Model):
    """One file brought in (*import*): what it held, what it changed and every line refused,
    so a re-import of the same file can be seen to change nothing."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # Every refused line counted: `errors` keeps only the first 10,000.
    refused = models.PositiveIntegerField(_("refused lines"), default=0)
    errors = models.JSONField(default=list, blank=True,
                              help_text="[{line, message}] for every refused line.")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} {self.at:%Y-%m-%d %H:%M}"


class HospitalVisit(models.Model):
    """A visit to an emergency department (*akutbesök*) as a hospital reported it, for
    measure 6: who (the personal identity number's key, core.identity_numbers.pin_key), when
    they arrived and whether they were admitted (*inlagd*)."""

    person_key = models.CharField(max_length=12, db_index=True)
    arrived_at = models.DateTimeField()
    admitted = models.BooleanField()
    hospital = models.CharField(max_length=120, blank=True)
    # The reporting hospital's region: measure 6 has data for a region when its hospitals
    # (or a visit without a region, which counts for every region) reported for the period.
    region = models.ForeignKey("crews.Region", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-arrived_at"]
        constraints = [models.UniqueConstraint(fields=["person_key", "arrived_at"],
                                               name="hospitalvisit_one_per_arrival")]
        indexes = [models.Index(fields=["arrived_at"], name="hospitalvisit_time")]

    def __str__(self) -> str:
        return f"visit {self.arrived_at:%Y-%m-%d %H:%M}"


class DispatcherReport(models.Model):
    """A dispatcher's monthly feedback (*individuell dataåterkoppling*, seed 000): their own
    figures for one calendar month next to the centre's median, made on the first of the next
    month by a stored timer."""

    dispatcher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="monthly_reports")
    month = models.DateField(help_text="The first day of the month the report covers.")
    figures = models.JSONField(default=dict)
    made_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month", "dispatcher_id"]
        constraints = [models.UniqueConstraint(fields=["dispatcher", "month"],
                                               name="report_one_per_dispatcher_month")]

    def __str__(self) -> str:
        return f"{self.dispatcher} {self.month:%Y-%m}"
