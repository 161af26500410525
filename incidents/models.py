"""Major incidents (seed 001): the incident (*särskild händelse*) and its cases, the regions of
the healthcare region (*sjukvårdsregion*) and their contacts, the regional mass-casualty alarm
(*sjukvårdsregionalt masskadelarm*) per region and per contact, the CAP 1.2 messages and their
deliveries, the pledges (*utlovade resurser*), the mass-casualty triage decisions, the initial
situation report (*initial lägesbild*, METHANE) and the log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crews.models import LATITUDE, LONGITUDE, Region, Unit
from dispatch.models import Case

from .endpoints import validate_cap_endpoint


class ContactKind(models.TextChoices):
    TIB = "tib", _("Official on duty (TiB)")
    DISPATCH_CENTRE = "dispatch_centre", _("Dispatch centre")
    BLOOD_CENTRE = "blood_centre", _("Blood centre")


class AlarmRegion(models.Model):
    """A region of the healthcare region that the regional alarm goes to (a configured list).
    `region` links one of this centre's own regions (its units may be pledged and held);
    `cap_endpoint` is where its CAP messages are POSTed, empty when it has none (its people
    are still texted)."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    region = models.OneToOneField(Region, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="alarm_region")
    cap_endpoint = models.URLField(blank=True, max_length=300,
                                   validators=[validate_cap_endpoint])
    # Outbound: the bearer token the region gave us, sent with each CAP POST to its endpoint
    # (kept to be sent, so in clear; never accepted from anyone).
    cap_token = models.CharField(max_length=200, blank=True)
    # Inbound: sha256 (hex) of the token the region posts its CAP to us with (its `sender`
    # must be `cap_sender`); issued by `manage.py incident_region_token <code>`, shown once.
    # Empty: nothing of it accepted.
    cap_inbound_token_hash = models.CharField(max_length=64, blank=True)
    cap_sender = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class AlarmContact(models.Model):
    """A person or a desk the alarm reaches in a region: its TiB (several), its dispatch centre,
    its blood centre (*blodcentral*). Each is texted (its own phone, else its user's);
    `user`, one of this product's users, also sees the alarm on the incidents stream."""

    alarm_region = models.ForeignKey(AlarmRegion, on_delete=models.CASCADE,
                                     related_name="contacts")
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=20, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="alarm_contacts")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["alarm_region", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.alarm_region})"


class IncidentState(models.TextChoices):
    RAISED = "raised", _("Raised, awaiting TiB")
    CONFIRMED = "confirmed", _("Confirmed major incident")
    REJECTED = "rejected", _("Not a major incident")
    STOOD_DOWN = "stood_down", _("Stood down")


class MajorIncident(models.Model):
    """A possible major incident (*särskild händelse*), raised by a dispatcher with a first
    report and confirmed or rejected by TiB; confirmation sends the regional alarm."""

    title = models.CharField(max_length=200)
    state = models.CharField(max_length=12, choices=IncidentState.choices,
                             default=IncidentState.RAISED)
    # Exercise: every message says so (CAP status Exercise), nobody takes it for real.
    exercise = models.BooleanField(default=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="incidents")
    location = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True, validators=LATITUDE)
    longitude = models.FloatField(null=True, blank=True, validators=LONGITUDE)
    cases = models.ManyToManyField(Case, blank=True, related_name="major_incidents")
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="incidents_raised")
    raised_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    rejected_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(max_length=500, blank=True)
    stood_down_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+")
    stood_down_at = models.DateTimeField(null=True, blank=True)
    stand_down_note = models.CharField(max_length=500, blank=True)
    # TiB texted because nobody confirmed within INCIDENT_CONFIRM_SMS_SECONDS.
    tib_texted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["state", "-raised_at"])]

    def __str__(self) -> str:
        return self.title


class SituationReport(models.Model):
    """The initial situation report (*initial lägesbild*) by the METHANE template, versioned:
    each save is a new version, the latest is the one in force and the one shared."""

    incident = models.ForeignKey(MajorIncident, on_delete=models.CASCADE,
                                 related_name="reports")
    version = models.PositiveIntegerField()
    major_incident_declared = models.BooleanField(default=False)  # M
    exact_location = models.CharField(max_length=300, blank=True)  # E
    incident_type = models.CharField(max_length=300, blank=True)  # T
    hazards = models.CharField(max_length=500, blank=True)  # H
    access = models.CharField(max_length=500, blank=True)  # A
    casualties_total = models.PositiveIntegerField(null=True, blank=True)  # N
    casualties_red = models.PositiveIntegerField(null=True, blank=True)
    casualties_yellow = models.PositiveIntegerField(null=True, blank=True)
    casualties_green = models.PositiveIntegerField(null=True, blank=True)
    casualties_dead = models.PositiveIntegerField(null=True, blank=True)
    services_present = models.CharField(max_length=500, blank=True)  # E
    services_required = models.CharField(max_length=500, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["incident", "-version"]
        constraints = [models.UniqueConstraint(fields=["incident", "version"],
                                               name="incidents_report_version_unique")]

    def __str__(self) -> str:
        return f"{self.incident} v{self.version}"


class RegionAlarm(models.Model):
    """The alarm to one region for one incident: when it went out, when its CAP message was
    accepted by the region's endpoint (delivered), and when the region acknowledged it
    (*kvitterat*), by whom and how."""

    class Via(models.TextChoices):
        CAP = "cap", _("CAP acknowledgement")
        LINK = "link", _("Link in the text message")
        APP = "app", _("In the app")
        PHONE = "phone", _("By telephone, recorded by the centre")

    incident = models.ForeignKey(MajorIncident, on_delete=models.CASCADE,
                                 related_name="region_alarms")
    alarm_region = models.ForeignKey(AlarmRegion, on_delete=models.PROTECT,
                                     related_name="alarms")
    sent_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=120, blank=True)
    acknowledged_via = models.CharField(max_length=10, choices=Via.choices, blank=True)
    # The blood centre's own acknowledgement (part of the chain, tracked apart).
    blood_centre_acknowledged_at = models.DateTimeField(null=True, blank=True)
    blood_centre_acknowledged_by = models.CharField(max_length=120, blank=True)
    # The region's people texted again because it had not acknowledged in time.
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["incident", "alarm_region__sort_order", "alarm_region__name"]
        constraints = [models.UniqueConstraint(fields=["incident", "alarm_region"],
                                               name="incidents_region_alarm_unique")]

    def __str__(self) -> str:
        return f"{self.incident} → {self.alarm_region}"


class ContactAlarm(models.Model):
    """The alarm to one contact: its link (a token, stored as a hash, to acknowledge and
    pledge without an account), the text or push that carried it, and its acknowledgement."""

    region_alarm = models.ForeignKey(RegionAlarm, on_delete=models.CASCADE,
                                     related_name="contact_alarms")
    contact = models.ForeignKey(AlarmContact, on_delete=models.PROTECT, related_name="alarms")
    token_hash = models.CharField(max_length=64, unique=True)
    sms_id = models.BigIntegerField(null=True, blank=True)  # push.SmsMessage, when texted
    sent_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["region_alarm", "contact"]

    def __str__(self) -> str:
        return f"{self.region_alarm} → {self.contact}"


class CapMessageType(models.TextChoices):
    ALERT = "Alert", _("Alarm")
    UPDATE = "Update", _("Update")
    CANCEL = "Cancel", _("Stand-down")


class CapMessage(models.Model):
    """One CAP 1.2 message this centre sent (the alarm, an update, the stand-down), kept as
    the signed XML that went out, so every delivery and every later look sends the same."""

    incident = models.ForeignKey(MajorIncident, on_delete=models.CASCADE,
                                 related_name="cap_messages")
    identifier = models.CharField(max_length=200, unique=True)
    msg_type = models.CharField(max_length=10, choices=CapMessageType.choices)
    sent_at = models.DateTimeField()
    xml = models.TextField()

    class Meta:
        ordering = ["incident", "sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.msg_type} {self.identifier}"


class CapDeliveryState(models.TextChoices):
    PENDING = "pending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    STOPPED = "stopped", _("Stopped")


class CapDelivery(models.Model):
    """One CAP message to one region's endpoint: claimed by a conditional UPDATE (one sender
    across processes), POSTed, and retried with backoff by a stored timer until the endpoint
    accepts it (2xx); a refusal or an outage is shown as not delivered, never dropped."""

    message = models.ForeignKey(CapMessage, on_delete=models.CASCADE,
                                related_name="deliveries")
    region_alarm = models.ForeignKey(RegionAlarm, on_delete=models.CASCADE,
                                     related_name="cap_deliveries")
    endpoint = models.URLField(max_length=300)
    state = models.CharField(max_length=10, choices=CapDeliveryState.choices,
                             default=CapDeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["message", "region_alarm"]
        constraints = [models.UniqueConstraint(fields=["message", "region_alarm"],
                                               name="incidents_cap_delivery_unique")]

    def __str__(self) -> str:
        return f"{self.message} → {self.endpoint}"


class IncomingCap(models.Model):
    """A CAP 1.2 message a region posted to us: an acknowledgement of our alarm (msgType
    Ack, referencing it), or another region's own alarm, shown on the console."""

    alarm_region = models.ForeignKey(AlarmRegion, on_delete=models.PROTECT,
                                     related_name="incoming")
    identifier = models.CharField(max_length=200)
    sender = models.CharField(max_length=200)
    msg_type = models.CharField(max_length=10)
    status = models.CharField(max_length=10)
    sent_at = models.DateTimeField()
    received_at = models.DateTimeField()
    headline = models.CharField(max_length=300, blank=True)
    xml = models.TextField()
    incident = models.ForeignKey(MajorIncident, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="incoming_cap")

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["sender", "identifier"],
                                               name="incidents_incoming_cap_unique")]

    def __str__(self) -> str:
        return f"{self.msg_type} {self.identifier} ({self.alarm_region})"


class PledgeKind(models.TextChoices):
    """What a region provides. The first three are secondary transports (*sekundär-
    transporter*) and count toward the rule (INCIDENT_PLEDGE_MINIMUM per region)."""

    AMBULANCE = "ambulance", _("Ambulance")
    AMBULANCE_BUS = "ambulance_bus", _("Ambulance bus")
    INTENSIVE_CARE = "intensive_care", _("Intensive care ambulance")
    HELICOPTER = "helicopter", _("Ambulance helicopter")
    MATERIAL = "material", _("Material support")


SECONDARY_TRANSPORT_KINDS: tuple[str, ...] = (
    PledgeKind.AMBULANCE, PledgeKind.AMBULANCE_BUS, PledgeKind.INTENSIVE_CARE)


class Pledge(models.Model):
    """What a region provides for the incident (*utlovade resurser*): a count of one kind, or
    named units of this centre's own regions (held so they are not dispatched elsewhere),
    from when, and where they report (*uppsamlingsplats*). Withdrawn, never deleted."""

    class Via(models.TextChoices):
        API = "api", _("From the region's system")
        LINK = "link", _("Link in the text message")
        APP = "app", _("In the app")
        PHONE = "phone", _("By telephone, recorded by the centre")

    incident = models.ForeignKey(MajorIncident, on_delete=models.CASCADE,
                                 related_name="pledges")
    alarm_region = models.ForeignKey(AlarmRegion, on_delete=models.PROTECT,
                                     related_name="pledges")
    kind = models.CharField(max_length=20, choices=PledgeKind.choices)
    count = models.PositiveSmallIntegerField()
    units = models.ManyToManyField(Unit, blank=True, related_name="incident_pledges")
    available_at = models.DateTimeField(null=True, blank=True)
    report_to = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=300, blank=True)
    via = models.CharField(max_length=10, choices=Via.choices)
    pledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    pledged_by_name = models.CharField(max_length=120, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["incident", "alarm_region", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.alarm_region}: {self.count} × {self.get_kind_display()}"


class TriageDecision(models.Model):
    """A switch to (or back from) mass-casualty triage (*masskadetriage*): who decided, when,
    on which indicators (INCIDENT_TRIAGE_INDICATORS). The latest decision holds."""

    incident = models.ForeignKey(MajorIncident, on_delete=models.CASCADE,
                                 related_name="triage_decisions")
    active = models.BooleanField()
    indicators = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["incident", "-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.incident}: {'on' if self.active else 'off'}"


class IncidentLogEntry(models.Model):
    """One step of the incident, with its time (*händelselogg*): raised, confirmed, alarmed,
    delivered, acknowledged, pledged, triage switched, a report, stood down. Written by the
    services in the step's own transaction; never edited."""

    incident = models.ForeignKey(MajorIncident, on_delete=models.CASCADE,
                                 related_name="log")
    at = models.DateTimeField()
    kind = models.CharField(max_length=40)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                           blank=True, related_name="+")
    by_name = models.CharField(max_length=120, blank=True)
    alarm_region = models.ForeignKey(AlarmRegion, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    text = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["incident", "at", "pk"]
        indexes = [models.Index(fields=["incident", "at"])]

    def __str__(self) -> str:
        return f"{self.incident}: {self.text}"
