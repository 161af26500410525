"""First responders (*IVPA, i väntan på ambulans*) themselves: a volunteer's sign-up, their
availability, hours and training, and the position that selection finds them by."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from core.errors import Conflict, Forbidden, Invalid
from core.times import CLOCK_SKEW
from crews.services import validate_position
from realtime.services import event_publish

from .. import geo, selectors
from ..events import publish_alert
from ..models import AlertStatus, Municipality, Responder, ResponderAlert, ResponderKind, Training
from ..streams import responder_stream
from .approvals import responder_approval_reset

POSITION_INTERVALS = (60, 300, 900)


@transaction.atomic
def responder_register(
    *, username: str, password: str | None, display_name: str, phone_number: str,
    training: str, training_confirmed: bool, municipality: Municipality | None = None,
) -> Responder:
    """A volunteer signs up in the app and confirms their training. They wait for approval
    (services.responder_approve) before any alert; `municipality` is where they are mostly,
    whose coordinators approve them. No password: they sign in through an identity provider
    only (identity.services links it)."""
    User = get_user_model()
    if training not in Training.values:
        raise Invalid(_("Choose the training you have."))
    if not training_confirmed:
        raise Invalid(_("Confirm that you have the training you chose; it is what lets you "
                        "be alerted."))
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("The user name %(name)s is taken; choose another.")
                       % {"name": username})
    user = User(username=username, display_name=display_name, phone_number=phone_number,
                role=Role.RESPONDER)
    try:
        if password is not None:
            validate_password(password, user)
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"password": exc.messages}
        raise Invalid(" ".join(m for v in messages.values() for m in v)) from None
    user.set_password(password)  # None: an unusable password
    user.save()
    now = timezone.now()
    return Responder.objects.create(
        user=user, kind=ResponderKind.VOLUNTEER, training=training,
        training_confirmed_at=now, registered_at=now, municipality=municipality,
    )


def responder_for(user) -> Responder:
    responder = selectors.responder_of(user)
    if responder is None:
        raise Forbidden(_("You are not registered as a first responder."))
    return responder


def _index(responder: Responder) -> None:
    """The grid cell of where selection finds the responder: none while unavailable."""
    if not responder.available:
        responder.cell = None
    elif responder.latitude is not None:
        responder.cell = geo.cell_of(responder.latitude, responder.longitude)
    elif responder.station_latitude is not None:
        responder.cell = geo.cell_of(responder.station_latitude, responder.station_longitude)
    else:
        responder.cell = None


@transaction.atomic
def responder_update(
    *, responder: Responder, available: bool | None = None,
    training: str | None = None, training_confirmed: bool | None = None,
    hours_start: time | None = ..., hours_end: time | None = ...,
    position_interval_s: int | None = None, weekly_cap: int | None = ...,
) -> Responder:
    """A responder's own settings. Going unavailable forgets the position."""
    responder = Responder.objects.select_for_update().get(pk=responder.pk)
    now = timezone.now()
    if training is not None:
        if training not in Training.values:
            raise Invalid(_("Choose the training you have."))
        if training != responder.training:
            responder.training = training
            # Recorded without a `by`: the reason says who, and the volunteer's account
            # stays erasable (the history's `by` protects an approver's account).
            responder_approval_reset(responder=responder, by=None, now=now,
                                     reason="The volunteer changed their training.")
    if training_confirmed:
        responder.training_confirmed_at = now
    if hours_start is not ... or hours_end is not ...:
        start = responder.hours_start if hours_start is ... else hours_start
        end = responder.hours_end if hours_end is ... else hours_end
        if (start is None) != (end is None):
            raise Invalid(_("Give both the start and the end of your hours, or neither."))
        responder.hours_start, responder.hours_end = start, end
    if position_interval_s is not None:
        if position_interval_s not in POSITION_INTERVALS:
            raise Invalid(_("Share the position every 60, 300 or 900 seconds."))
        responder.position_interval_s = position_interval_s
    if weekly_cap is not ...:
        if weekly_cap is not None and not 1 <= weekly_cap <= 50:
            raise Invalid(_("The weekly limit is between 1 and 50 alerts."))
        responder.weekly_cap = weekly_cap
    if available is not None and available != responder.available:
        if available and responder.kind == ResponderKind.VOLUNTEER:
            if responder.training_confirmed_at is None or responder.training_confirmed_at < \
                    now - timedelta(days=settings.IVPA_TRAINING_VALID_DAYS):
                raise Conflict(_("Confirm your training again before you make yourself "
                                 "available."))
        responder.available = available
        responder.available_changed_at = now
        if not available:
            responder.latitude = responder.longitude = responder.position_at = None
    _index(responder)
    responder.save()
    return responder


@transaction.atomic
def responder_report_position(
    *, responder: Responder, latitude, longitude, at: datetime | None = None,
) -> Responder:
    """A position from the responder's phone, kept coarse (about 100 m), only while they are
    available."""
    latitude, longitude = validate_position(latitude=latitude, longitude=longitude)
    now = timezone.now()
    at = at or now
    if at > now + CLOCK_SKEW:
        raise Invalid(_("The position's time is in the future; check the phone's clock."))
    if at < now - timedelta(seconds=settings.IVPA_POSITION_REPORT_MAX_AGE_SECONDS):
        raise Invalid(_("The position is too old (from %(time)s); send a fresh one.")
                      % {"time": timezone.localtime(at).strftime("%H:%M:%S")})
    responder = Responder.objects.select_for_update().get(pk=responder.pk)
    if not responder.available:
        raise Conflict(_("You are not available: your position is not shared. Make yourself "
                         "available first."))
    if responder.position_at is not None and at < responder.position_at:
        return responder  # an older fix that arrived late changes nothing
    if responder.kind == ResponderKind.VOLUNTEER:
        latitude, longitude = geo.coarse(latitude), geo.coarse(longitude)
    responder.latitude, responder.longitude, responder.position_at = latitude, longitude, at
    _index(responder)
    responder.save(update_fields=["latitude", "longitude", "position_at", "cell"])
    # On the way to a callout: the dispatchers' map follows them (events.responder_position).
    for alert in ResponderAlert.objects.filter(
            responder=responder, status=AlertStatus.ACCEPTED, ended_at__isnull=True,
            callout__ended_at__isnull=True).select_related(
            "callout__case", "responder__user", "aed"):
        publish_alert(alert, "alert.updated", to_responder=False, to_crews=False)
    return responder


def responder_test_alarm(*, responder: Responder) -> dict:
    """A test alarm on the responder's own stream, woken like a real one: the app shows when
    it arrived, and a phone without the app open gets a push (or SMS)."""
    with transaction.atomic():
        return event_publish(stream=responder_stream(responder.user_id), type="alert.test",
                             data={"sent_at": timezone.now().isoformat()})
