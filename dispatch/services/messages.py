"""Short messages between a unit's crew and the dispatch centre on an assignment
(*meddelanden*): stored, sent live to both sides (the unit's stream and the console's), and
acknowledged (*kvitterade*) by the other side. The events say only that a message came or was
acknowledged, never its words: a device fetches them over HTTP, where the read is logged."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden, Invalid
from core.times import iso
from crews.streams import unit_stream
from realtime.services import events_publish

from ..models import Assignment, AssignmentMessage
from ..streams import DISPATCH_STREAM
from .actors import assignment_actor_check

MESSAGE_MAX_CHARS = 500


def message_summary(message: AssignmentMessage) -> dict:
    """What the events carry of a message: who wrote it (the centre or the crew), when, and
    whether it is acknowledged; no text."""
    return {
        "id": message.pk,
        "assignment": message.assignment_id,
        "case": message.assignment.case_id,
        "unit": message.assignment.unit_id,
        "from_crew": message.from_crew,
        "sent_at": iso(message.sent_at),
        "acknowledged_at": iso(message.acknowledged_at),
    }


def _publish(message: AssignmentMessage, type: str) -> None:
    data = message_summary(message)
    # The unit's event first: the crew's tablet is the one waited for.
    events_publish(events=[(unit_stream(message.assignment.unit_id), type, data),
                           (DISPATCH_STREAM, type, data)])


@transaction.atomic
def assignment_message_send(*, assignment: Assignment, by, text: str,
                            idempotency_key: str | None = None) -> AssignmentMessage:
    """Send a message on an assignment (*skicka meddelande*), from the centre or from the
    assignment's own crew, while the assignment is active. The same idempotency key again (the
    tablet's outbox sending once more) gives back the message it made, not a second one."""
    text = " ".join((text or "").split())
    if not text:
        raise Invalid(_("Write the message first."))
    if len(text) > MESSAGE_MAX_CHARS:
        raise Invalid(_("A message is at most %(n)d characters; shorten it.")
                      % {"n": MESSAGE_MAX_CHARS})
    assignment = Assignment.objects.select_related("case", "unit").get(pk=assignment.pk)
    dispatcher = assignment_actor_check(assignment=assignment, by=by)
    if idempotency_key:
        sent = _sent_with_key(assignment=assignment, by=by, key=idempotency_key)
        if sent is not None:
            return sent
    if not assignment.is_active:
        raise Conflict(_("The assignment is %(status)s: no more messages can be sent on it.")
                       % {"status": assignment.get_status_display().lower()})
    try:
        with transaction.atomic():
            message = AssignmentMessage.objects.create(
                assignment=assignment, author=by, from_crew=not dispatcher, text=text,
                sent_at=timezone.now(), idempotency_key=idempotency_key or None)
    except IntegrityError:
        # The same key sent twice at once: the other request stored it.
        sent = _sent_with_key(assignment=assignment, by=by, key=idempotency_key)
        if sent is None:
            raise
        return sent
    message.assignment = assignment
    _publish(message, "message.created")
    return message


def _sent_with_key(*, assignment: Assignment, by, key: str) -> AssignmentMessage | None:
    message = (AssignmentMessage.objects.select_related("assignment", "author")
               .filter(idempotency_key=key).first())
    if message is None:
        return None
    if message.assignment_id != assignment.pk or message.author_id != by.pk:
        raise Conflict(_("This idempotency key was already used for another message; send "
                         "the message with a new key."))
    return message


@transaction.atomic
def assignment_message_acknowledge(*, message: AssignmentMessage, by) -> AssignmentMessage:
    """The other side has read a message (*kvittera*): a dispatcher acknowledges the crew's,
    the crew the centre's. The first acknowledgement counts (a conditional update: two
    dispatchers at once record one); a later one changes nothing."""
    assignment = Assignment.objects.select_related("case", "unit").get(pk=message.assignment_id)
    dispatcher = assignment_actor_check(assignment=assignment, by=by)
    if message.from_crew != dispatcher:
        raise Forbidden(_("The other side acknowledges a message: the dispatch centre the "
                          "crew's, the crew the centre's."))
    now = timezone.now()
    changed = (AssignmentMessage.objects
               .filter(pk=message.pk, acknowledged_at__isnull=True)
               .update(acknowledged_at=now, acknowledged_by=by))
    message = AssignmentMessage.objects.select_related(
        "assignment__case", "assignment__unit", "author", "acknowledged_by").get(pk=message.pk)
    if changed:
        _publish(message, "message.acknowledged")
    return message
