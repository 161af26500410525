"""Care plans (*vårdplaner*) for people with complex and recurring needs (seed 000: a
coordinated individual care plan where the dispatch centre is the first instance).

A care unit (a mobile team, a primary care centre, palliative care) writes what the centre
should do when this person calls: whom to call, what to send or not to send, and a part for
the ambulance crew. The plan names the person by their personal identity number and/or the
numbers they call from; it holds only with the person's consent, for a period, and is
reviewed by a date. An expired plan is kept (nothing is lost) but is no longer active.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConsentMethod(models.TextChoices):
    """How the person's consent to the plan was given (*samtycke*)."""

    WRITTEN = "written", _("In writing")
    ORAL = "oral", _("Orally, noted in the patient record")
    REPRESENTATIVE = "representative", _("By a legal representative")


class CarePlan(models.Model):
    """A care unit's plan for one person (*vårdplan*)."""

    personal_identity_number = models.CharField(
        max_length=13, blank=True, help_text="As typed: YYYYMMDD-NNNN (or YYMMDD-NNNN).")
    pin_key = models.CharField(
        max_length=10, blank=True, db_index=True,
        help_text="The ten digits that name the person however the number was typed "
                  "(core.identity_numbers.pin_key); set from the number.")
    person_name = models.CharField(max_length=120, blank=True)
    care_unit = models.CharField(
        max_length=120, help_text="The care unit that wrote the plan, e.g. Västerås mobila team.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        help_text="Who wrote the plan into the system.")
    valid_from = models.DateField()
    valid_to = models.DateField()
    review_date = models.DateField(help_text="When the care unit reviews the plan.")
    consent_recorded_by = models.CharField(
        max_length=120, help_text="Who recorded the person's consent (name, title).")
    consent_recorded_at = models.DateField()
    consent_method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    dispatcher_instructions = models.TextField(
        help_text="For the dispatcher: whom to call, what to send or not to send.")
    contact = models.CharField(
        max_length=200, blank=True,
        help_text="Whom the dispatcher calls first (name and number), e.g. the team's nurse.")
    crew_instructions = models.TextField(
        blank=True, help_text="The part marked for the crew: the only part a crew sees.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
        blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every change: a change made on an older version is a 409.")

    class Meta:
        ordering = ["-valid_from", "-id"]
        indexes = [models.Index(fields=["review_date"], name="careplan_review")]

    def __str__(self) -> str:
        who = self.personal_identity_number or ", ".join(self.phone_list()) or f"#{self.pk}"
        return f"{self.care_unit}: {who}"

    def phone_list(self) -> list[str]:
        return [p.number for p in self.phones.all()] if self.pk else []

    @property
    def patient_key(self) -> str:
        """Whose record it is in the access log: the identity number, else the first number."""
        if self.personal_identity_number:
            return self.personal_identity_number
        numbers = self.phone_list()
        return numbers[0] if numbers else f"care-plan-{self.pk}"

    def is_active_on(self, day) -> bool:
        return self.valid_from <= day <= self.valid_to


class CarePlanPhone(models.Model):
    """A number the person calls from, in E.164 (core.phones.phone_normalise)."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=16, db_index=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"],
                                               name="careplan_phone_once")]

    def __str__(self) -> str:
        return self.number


class CaseCaller(models.Model):
    """The number a case's call came from, in E.164: the index by which a person's earlier
    cases are found by their number (dispatch keeps the number as the dispatcher typed it:
    `070-123 45 67`, `+46 70…`, which no index of its own finds). Kept by careplans/receivers.py
    from dispatch's signals; a number that is no number has no row."""

    case = models.OneToOneField("dispatch.Case", on_delete=models.CASCADE,
                                related_name="caller_index")
    number = models.CharField(max_length=16)
    registered_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["number", "registered_at"], name="casecaller_number")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.number}"
